package dev.dynsecret.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A YAML document read into a small tree that remembers the line of every value, so that an error
 * found later (a bad TTL, a key the provider rejects) can name the line to fix. Jackson's tree
 * model drops locations, hence this reader over its token stream.
 */
final class YamlTree {
  /** A value and the line it starts on (1-based). */
  sealed interface Node permits Scalar, Mapping, Sequence {
    int line();

    /** What the node is, for messages: "a text", "a mapping", "a list". */
    String kind();
  }

  /** A scalar; {@code text} is null for YAML's null. */
  record Scalar(String text, int line) implements Node {
    @Override
    public String kind() {
      return text == null ? "empty" : "a single value";
    }
  }

  /** A mapping, in file order. */
  record Mapping(Map<String, Node> entries, int line) implements Node {
    @Override
    public String kind() {
      return "a mapping";
    }
  }

  /** A list. */
  record Sequence(List<Node> items, int line) implements Node {
    @Override
    public String kind() {
      return "a list";
    }
  }

  private YamlTree() {}

  /**
   * Reads one document.
   *
   * @param file the file's name, for messages
   * @throws ConfigException naming the line of a syntax error or a duplicate key
   */
  static Node read(Reader reader, String file) {
    try (JsonParser parser = new YAMLFactory().createParser(reader)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        return new Mapping(Map.of(), 1);
      }
      return node(parser, file, "");
    } catch (JsonProcessingException e) {
      // Only the first line of the parser's message: the rest quotes the file, which may hold a
      // value that should not be shown.
      String what = e.getOriginalMessage() == null ? "not valid YAML"
          : e.getOriginalMessage().lines().findFirst().orElse("not valid YAML");
      int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
      throw new ConfigException(file + (line > 0 ? " line " + line : "") + ": not valid YAML ("
          + what.strip() + ")");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot be read (" + e.getMessage() + ")");
    }
  }

  private static Node node(JsonParser p, String file, String path) throws IOException {
    int line = p.currentTokenLocation().getLineNr();
    JsonToken token = p.currentToken();
    switch (token) {
      case START_OBJECT -> {
        Map<String, Node> entries = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String key = p.currentName();
          int keyLine = p.currentTokenLocation().getLineNr();
          String keyPath = path.isEmpty() ? key : path + "." + key;
          if (entries.containsKey(key)) {
            throw ConfigException.at(file, keyLine, keyPath, "appears twice; keep one");
          }
          p.nextToken();
          entries.put(key, node(p, file, keyPath));
        }
        return new Mapping(entries, line);
      }
      case START_ARRAY -> {
        List<Node> items = new ArrayList<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
          items.add(node(p, file, path + "[" + items.size() + "]"));
        }
        return new Sequence(items, line);
      }
      case VALUE_NULL -> {
        return new Scalar(null, line);
      }
      default -> {
        return new Scalar(p.getText(), line);
      }
    }
  }
}
