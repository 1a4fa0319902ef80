package dev.dynsecret.console.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The console's JSON: a writer for maps, lists, strings, numbers, booleans, instants and
 * durations, and a reader for the small request bodies ({@code {"ttl":"30m"}}). Kept here rather
 * than taking a JSON library, so that mounting the console adds no dependency to an application.
 */
public final class Json {
  /** Nesting deeper than this is refused: request bodies are flat. */
  private static final int MAX_DEPTH = 8;

  private Json() {}

  /** An ordered object to fill with {@link Map#put}. */
  public static Map<String, @Nullable Object> object() {
    return new LinkedHashMap<>();
  }

  /** {@code value} as JSON text. */
  public static String write(@Nullable Object value) {
    StringBuilder out = new StringBuilder();
    write(value, out);
    return out.toString();
  }

  private static void write(@Nullable Object value, StringBuilder out) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof String s) {
      string(s, out);
    } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
      out.append(value);
    } else if (value instanceof Number n) {
      double d = n.doubleValue();
      out.append(Double.isFinite(d) ? String.valueOf(d) : "null");
    } else if (value instanceof Instant || value instanceof Duration || value instanceof Enum<?>) {
      string(value.toString(), out);
    } else if (value instanceof Map<?, ?> map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        string(String.valueOf(e.getKey()), out);
        out.append(':');
        write(e.getValue(), out);
      }
      out.append('}');
    } else if (value instanceof Iterable<?> list) {
      out.append('[');
      boolean first = true;
      for (Object item : list) {
        if (!first) {
          out.append(',');
        }
        first = false;
        write(item, out);
      }
      out.append(']');
    } else {
      throw new IllegalArgumentException("no JSON form for " + value.getClass().getName());
    }
  }

  private static void string(String s, StringBuilder out) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        // '<' too, so that no text a caller wrote can ever close a script element.
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  /**
   * Reads a JSON object.
   *
   * @throws IllegalArgumentException if {@code text} is not one JSON object; the message says
   *     where, without repeating the text
   */
  public static Map<String, @Nullable Object> readObject(String text) {
    Reader reader = new Reader(text);
    reader.space();
    Object value = reader.value(0);
    reader.space();
    if (reader.pos != text.length()) {
      throw reader.error("unexpected text after the object");
    }
    if (!(value instanceof Map<?, ?>)) {
      throw new IllegalArgumentException("must be a JSON object");
    }
    @SuppressWarnings("unchecked")
    Map<String, @Nullable Object> map = (Map<String, @Nullable Object>) value;
    return map;
  }

  private static final class Reader {
    private final String text;
    private int pos;

    Reader(String text) {
      this.text = text;
    }

    IllegalArgumentException error(String what) {
      return new IllegalArgumentException("is not valid JSON: " + what + " at character " + pos);
    }

    void space() {
      while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
        pos++;
      }
    }

    @Nullable Object value(int depth) {
      if (depth > MAX_DEPTH) {
        throw error("nested too deeply");
      }
      if (pos >= text.length()) {
        throw error("unexpected end");
      }
      char c = text.charAt(pos);
      switch (c) {
        case '{':
          return object(depth);
        case '[':
          return array(depth);
        case '"':
          return string();
        default:
          if (text.startsWith("true", pos)) {
            pos += 4;
            return Boolean.TRUE;
          }
          if (text.startsWith("false", pos)) {
            pos += 5;
            return Boolean.FALSE;
          }
          if (text.startsWith("null", pos)) {
            pos += 4;
            return null;
          }
          return number();
      }
    }

    Map<String, @Nullable Object> object(int depth) {
      Map<String, @Nullable Object> map = new LinkedHashMap<>();
      pos++;
      space();
      if (pos < text.length() && text.charAt(pos) == '}') {
        pos++;
        return map;
      }
      while (true) {
        space();
        if (pos >= text.length() || text.charAt(pos) != '"') {
          throw error("expected a quoted key");
        }
        String key = string();
        space();
        expect(':');
        space();
        if (map.containsKey(key)) {
          throw error("a key given twice");
        }
        map.put(key, value(depth + 1));
        space();
        if (pos < text.length() && text.charAt(pos) == ',') {
          pos++;
          continue;
        }
        expect('}');
        return map;
      }
    }

    List<@Nullable Object> array(int depth) {
      List<@Nullable Object> list = new ArrayList<>();
      pos++;
      space();
      if (pos < text.length() && text.charAt(pos) == ']') {
        pos++;
        return list;
      }
      while (true) {
        space();
        list.add(value(depth + 1));
        space();
        if (pos < text.length() && text.charAt(pos) == ',') {
          pos++;
          continue;
        }
        expect(']');
        return list;
      }
    }

    void expect(char c) {
      if (pos >= text.length() || text.charAt(pos) != c) {
        throw error("expected '" + c + "'");
      }
      pos++;
    }

    String string() {
      pos++;
      StringBuilder out = new StringBuilder();
      while (pos < text.length()) {
        char c = text.charAt(pos++);
        if (c == '"') {
          return out.toString();
        }
        if (c == '\\') {
          if (pos >= text.length()) {
            break;
          }
          char e = text.charAt(pos++);
          switch (e) {
            case '"', '\\', '/' -> out.append(e);
            case 'n' -> out.append('\n');
            case 'r' -> out.append('\r');
            case 't' -> out.append('\t');
            case 'b' -> out.append('\b');
            case 'f' -> out.append('\f');
            case 'u' -> {
              if (pos + 4 > text.length()) {
                throw error("a short \\u escape");
              }
              try {
                out.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
              } catch (NumberFormatException x) {
                throw error("a bad \\u escape");
              }
              pos += 4;
            }
            default -> throw error("a bad escape");
          }
        } else if (c < 0x20) {
          throw error("a control character in a string");
        } else {
          out.append(c);
        }
      }
      throw error("an unterminated string");
    }

    Number number() {
      int start = pos;
      while (pos < text.length() && "+-0123456789.eE".indexOf(text.charAt(pos)) >= 0) {
        pos++;
      }
      String n = text.substring(start, pos);
      if (n.isEmpty()) {
        throw error("unexpected character");
      }
      try {
        if (n.matches("-?\\d{1,18}")) {
          return Long.parseLong(n);
        }
        return Double.parseDouble(n);
      } catch (NumberFormatException e) {
        throw error("a bad number");
      }
    }
  }
}
