package dev.dynsecret.buildsupport;

import dev.dynsecret.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Records the secret values a test run handled (API keys, client secrets, access tokens,
 * generated secrets), so that a later step can search every log the run wrote for them.
 *
 * <p>Recording is off unless the system property {@value #DIRECTORY_PROPERTY} names a directory;
 * the build sets it for its own test runs. Each JVM then appends to {@code <directory>/<pid>.txt},
 * one value per line, Base64-encoded so that any character survives. Off, every method does
 * nothing. Tests declare their fixed secrets here ({@link #declare}); the values the test kit's
 * tools issue arrive through {@link RecordIssuedSecrets}.
 */
public final class SecretsUsed {
  /** The system property naming the directory values are recorded in. */
  public static final String DIRECTORY_PROPERTY = "dynsecret.secretsUsedDir";

  private static final Set<String> SEEN = ConcurrentHashMap.newKeySet();

  private SecretsUsed() {}

  /** Records {@code value}; null and empty values are ignored. */
  public static void record(String value) {
    String dir = System.getProperty(DIRECTORY_PROPERTY);
    if (dir == null || dir.isBlank() || value == null || value.isEmpty() || !SEEN.add(value)) {
      return;
    }
    Path file = Path.of(dir, ProcessHandle.current().pid() + ".txt");
    String line = Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) + "\n";
    // One process may record from many threads: one append per value, under one lock.
    synchronized (SecretsUsed.class) {
      try {
        Files.createDirectories(file.getParent());
        Files.writeString(file, line, StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException("could not record a secret value in " + file, e);
      }
    }
  }

  /** Records the plain value of {@code secret}, if not null. */
  public static void record(Secret secret) {
    if (secret != null) {
      record(secret.reveal());
    }
  }

  /** Records {@code value} and returns it, to record a constant where it is declared. */
  public static String declare(String value) {
    record(value);
    return value;
  }

  /**
   * Reads every value recorded under {@code directory} (by any process).
   *
   * @return the values, in file order; empty if the directory does not exist
   */
  public static List<String> readAll(Path directory) {
    List<String> values = new ArrayList<>();
    if (!Files.isDirectory(directory)) {
      return values;
    }
    try (var files = Files.list(directory)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".txt")).sorted().toList()) {
        for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
          if (!line.isBlank()) {
            values.add(new String(Base64.getDecoder().decode(line.strip()), StandardCharsets.UTF_8));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("could not read recorded secrets in " + directory, e);
    }
    return values;
  }
}
