package dev.dynsecret.cli;

import dev.dynsecret.DynamicSecret;
import dev.dynsecret.InvalidRequestException;
import dev.dynsecret.ProviderConfig;
import dev.dynsecret.Secret;
import dev.dynsecret.cli.YamlTree.Mapping;
import dev.dynsecret.cli.YamlTree.Node;
import dev.dynsecret.cli.YamlTree.Scalar;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration file, checked: where the store is, and the dynamic secrets the applications
 * register. Secret values ({@code apiKey}, {@code clientSecret}, passwords) must be references,
 * {@code ${env:NAME}} or {@code ${file:/path}}, resolved here and held as {@link Secret}s.
 *
 * @param file the file's name as the operator gave it, for messages
 * @param store the store settings from the file (each field may be absent)
 * @param secrets the dynamic secrets, in file order
 * @param discovery the APIC credentials of the {@code discovery} section, if there is one
 */
record CliConfig(String file, StoreSettings store, List<SecretEntry> secrets,
    Optional<DiscoveryEntry> discovery) {

  /** The {@code store} section: every field optional. */
  record StoreSettings(String url, String user, Secret password, String tablePrefix) {}

  /**
   * One dynamic secret and where its parts are in the file.
   *
   * @param configLines the line of each provider configuration key, to place provider errors
   */
  record SecretEntry(DynamicSecret definition, int line, int providerLine,
      Map<String, Integer> configLines) {
    String name() {
      return definition.name();
    }

    /** The line of provider key {@code key}, or of the secret when it is not in the file. */
    int lineOf(String key) {
      return configLines.getOrDefault(key, line);
    }
  }

  /** The {@code discovery} section: an APIC API key and where it is. */
  record DiscoveryEntry(ProviderConfig config, int line, Map<String, Integer> configLines) {}

  private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):([^}]*)}");
  private static final Pattern SECRET_KEY =
      Pattern.compile("(?i).*(secret|password|passwd|apikey|api_key|token)$");
  private static final List<String> TOP_KEYS = List.of("store", "secrets", "discovery");
  private static final List<String> STORE_KEYS = List.of("url", "user", "password", "tablePrefix");
  private static final List<String> SECRET_KEYS =
      List.of("provider", "defaultTtl", "maxTtl", "leaseLimit", "config");

  /**
   * Reads and checks the file.
   *
   * @param env the environment {@code ${env:...}} references read
   * @throws ConfigException naming the file, the line and the key of the first problem
   */
  static CliConfig load(Path path, String shownName, Map<String, String> env) {
    Node root;
    try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      root = YamlTree.read(reader, shownName);
    } catch (NoSuchFileException e) {
      throw new ConfigException("configuration file " + shownName + " does not exist; pass"
          + " --config FILE or set DYNSECRET_CONFIG (see dynsecret --help)");
    } catch (IOException e) {
      throw new ConfigException("configuration file " + shownName + " cannot be read: "
          + e.getMessage());
    }
    return new Reading(shownName, path.toAbsolutePath().getParent(), env).config(root);
  }

  /** The rule part of an {@link InvalidRequestException}'s message ("field: rule"). */
  static String ruleOf(InvalidRequestException e) {
    String message = e.getMessage();
    String prefix = e.field() + ": ";
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }

  /** Whether a configuration key names a secret value, which must come from a reference. */
  static boolean isSecretKey(String key) {
    return SECRET_KEY.matcher(key).matches();
  }

  /** One pass over the tree; keeps the file name and the environment for messages. */
  private record Reading(String file, Path dir, Map<String, String> env) {
    CliConfig config(Node root) {
      Mapping top = mapping(root, "(top level)");
      checkKeys(top, "", TOP_KEYS);
      StoreSettings store = new StoreSettings(null, null, null, null);
      Node storeNode = top.entries().get("store");
      if (storeNode != null) {
        Mapping s = mapping(storeNode, "store");
        checkKeys(s, "store.", STORE_KEYS);
        store = new StoreSettings(
            text(s, "store.", "url"), text(s, "store.", "user"),
            secret(s, "store.", "password"), text(s, "store.", "tablePrefix"));
      }
      List<SecretEntry> secrets = new ArrayList<>();
      Node secretsNode = top.entries().get("secrets");
      if (secretsNode != null && !(secretsNode instanceof Scalar sc && sc.text() == null)) {
        for (Map.Entry<String, Node> e : mapping(secretsNode, "secrets").entries().entrySet()) {
          secrets.add(secret(e.getKey(), e.getValue()));
        }
      }
      Optional<DiscoveryEntry> discovery = Optional.empty();
      Node discoveryNode = top.entries().get("discovery");
      if (discoveryNode != null) {
        Map<String, Integer> lines = new LinkedHashMap<>();
        ProviderConfig config = providerConfig(
            mapping(discoveryNode, "discovery"), "discovery.", lines);
        discovery = Optional.of(new DiscoveryEntry(config, discoveryNode.line(), lines));
      }
      return new CliConfig(file, store, List.copyOf(secrets), discovery);
    }

    private SecretEntry secret(String name, Node node) {
      String at = "secrets." + name + ".";
      Mapping m = mapping(node, "secrets." + name);
      checkKeys(m, at, SECRET_KEYS);
      String provider = text(m, at, "provider");
      if (provider == null) {
        throw ConfigException.at(file, node.line(), at + "provider",
            "is required (the provider type, e.g. ibm-api-connect)");
      }
      Node configNode = m.entries().get("config");
      if (configNode == null) {
        throw ConfigException.at(file, node.line(), at + "config",
            "is required (the provider's settings: url, apiKey, ...)");
      }
      Map<String, Integer> lines = new LinkedHashMap<>();
      ProviderConfig config = providerConfig(mapping(configNode, at + "config"), at + "config.",
          lines);
      DynamicSecret.Builder builder = DynamicSecret.builder(name).provider(provider, config);
      Duration defaultTtl = duration(m, at, "defaultTtl");
      Duration maxTtl = duration(m, at, "maxTtl");
      if (defaultTtl == null) {
        throw ConfigException.at(file, node.line(), at + "defaultTtl",
            "is required (e.g. 1h: the TTL of leases created or renewed without one)");
      }
      builder.defaultTtl(defaultTtl);
      if (maxTtl != null) {
        builder.maxTtl(maxTtl);
      }
      String limit = text(m, at, "leaseLimit");
      if (limit != null) {
        try {
          builder.leaseLimit(Integer.valueOf(limit));
        } catch (NumberFormatException e) {
          throw ConfigException.at(file, m.entries().get("leaseLimit").line(), at + "leaseLimit",
              "must be a whole number; was '" + Texts.shown(limit) + "'");
        }
      }
      try {
        return new SecretEntry(builder.build(), node.line(), m.entries().get("provider").line(),
            lines);
      } catch (InvalidRequestException e) {
        String key = e.field().equals("providerType") ? "provider" : e.field();
        Node where = m.entries().get(key);
        if (key.equals("name")) {
          throw ConfigException.at(file, node.line(), "secrets." + Texts.shown(name),
              "the secret's name " + ruleOf(e));
        }
        throw ConfigException.at(file, where == null ? node.line() : where.line(), at + key,
            ruleOf(e));
      }
    }

    private ProviderConfig providerConfig(Mapping m, String at, Map<String, Integer> lines) {
      ProviderConfig.Builder config = ProviderConfig.builder();
      for (Map.Entry<String, Node> e : m.entries().entrySet()) {
        String key = e.getKey();
        lines.put(key, e.getValue().line());
        if (isSecretKey(key)) {
          config.put(key, secret(m, at, key));
        } else {
          String value = text(m, at, key);
          if (value != null) {
            config.put(key, value);
          }
        }
      }
      return config.build();
    }

    private Mapping mapping(Node node, String key) {
      if (node instanceof Mapping m) {
        return m;
      }
      throw ConfigException.at(file, node.line(), key, "must be a mapping (key: value lines);"
          + " found " + node.kind());
    }

    private void checkKeys(Mapping m, String at, List<String> allowed) {
      for (Map.Entry<String, Node> e : m.entries().entrySet()) {
        if (!allowed.contains(e.getKey())) {
          String hint = allowed.stream().filter(k -> k.equalsIgnoreCase(e.getKey())).findFirst()
              .map(k -> "did you mean '" + k + "'? ").orElse("");
          throw ConfigException.at(file, e.getValue().line(), at + Texts.shown(e.getKey()),
              "is not a known key; " + hint + "the keys here are " + allowed);
        }
      }
    }

    /** A non-secret value, references resolved; null when absent. */
    private String text(Mapping m, String at, String key) {
      Node node = m.entries().get(key);
      if (node == null) {
        return null;
      }
      if (!(node instanceof Scalar s)) {
        throw ConfigException.at(file, node.line(), at + key, "must be a single value; found "
            + node.kind());
      }
      return s.text() == null ? null : resolve(s.text(), node.line(), at + key);
    }

    /** A secret value: must be a reference, so the file itself holds no secret. */
    private Secret secret(Mapping m, String at, String key) {
      Node node = m.entries().get(key);
      if (node == null) {
        return null;
      }
      if (!(node instanceof Scalar s) || s.text() == null) {
        throw ConfigException.at(file, node.line(), at + key, "must be a reference like"
            + " ${env:NAME} or ${file:/run/secrets/name}; found " + node.kind());
      }
      if (!REFERENCE.matcher(s.text().strip()).matches()) {
        // The value is not repeated: it may be the secret itself.
        throw ConfigException.at(file, node.line(), at + key, "is a secret: write a reference"
            + " like ${env:NAME} or ${file:/run/secrets/name} instead of the value, so the file"
            + " holds no secret");
      }
      return Secret.of(resolve(s.text().strip(), node.line(), at + key));
    }

    private Duration duration(Mapping m, String at, String key) {
      String value = text(m, at, key);
      if (value == null) {
        return null;
      }
      try {
        return Durations.parse(value);
      } catch (IllegalArgumentException e) {
        throw ConfigException.at(file, m.entries().get(key).line(), at + key,
            Durations.RULE + "; was '" + Texts.shown(value) + "'");
      }
    }

    /** Replaces each {@code ${env:NAME}} and {@code ${file:path}} in {@code raw}. */
    private String resolve(String raw, int line, String key) {
      Matcher matcher = REFERENCE.matcher(raw);
      StringBuilder out = new StringBuilder();
      while (matcher.find()) {
        String kind = matcher.group(1);
        String target = matcher.group(2).strip();
        String value = kind.equals("env") ? env(target, line, key) : file(target, line, key);
        matcher.appendReplacement(out, Matcher.quoteReplacement(value));
      }
      matcher.appendTail(out);
      return out.toString();
    }

    private String env(String name, int line, String key) {
      String value = env.get(name);
      if (value == null || value.isEmpty()) {
        throw ConfigException.at(file, line, key, "refers to environment variable " + name
            + ", which is not set; export it, or point the reference elsewhere");
      }
      return value;
    }

    private String file(String name, int line, String key) {
      Path path = dir == null ? Path.of(name) : dir.resolve(name);
      try {
        String content = Files.readString(path, StandardCharsets.UTF_8);
        // Files written by `echo` or secret mounts end in a newline that is not part of the value.
        return content.endsWith("\r\n") ? content.substring(0, content.length() - 2)
            : content.endsWith("\n") ? content.substring(0, content.length() - 1) : content;
      } catch (IOException e) {
        throw ConfigException.at(file, line, key, "refers to file " + path + ", which cannot be"
            + " read (" + e.getClass().getSimpleName().replace("Exception", "")
            .toLowerCase(Locale.ROOT) + "); check the path and its permissions");
      }
    }
  }

  /** The secret named {@code name}, or a config error listing the defined ones. */
  SecretEntry secret(String name) {
    return secrets.stream().filter(s -> s.name().equals(name)).findFirst()
        .orElseThrow(() -> new NotDefinedException(name, names()));
  }

  Set<String> names() {
    Set<String> names = new java.util.LinkedHashSet<>();
    secrets.forEach(s -> names.add(s.name()));
    return names;
  }
}
