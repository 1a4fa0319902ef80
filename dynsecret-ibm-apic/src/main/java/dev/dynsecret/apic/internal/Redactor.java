package dev.dynsecret.apic.internal;

import dev.dynsecret.Secret;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Removes known secret values from text that came from outside (server messages, I/O errors),
 * in case a server or proxy echoes a credential back. A second line of defence: messages are
 * built so as not to contain secrets in the first place.
 */
final class Redactor {
  static final String MARK = "[redacted]";
  private static final int MIN_LENGTH = 4;
  private static final int TOKENS_KEPT = 4;

  private final List<Secret> fixed;
  private final Deque<Secret> tokens = new ArrayDeque<>();

  Redactor(Secret... secrets) {
    this.fixed = List.of(secrets);
  }

  /** Adds an access token; only the last few are kept. */
  synchronized void addToken(Secret token) {
    tokens.addFirst(token);
    while (tokens.size() > TOKENS_KEPT) {
      tokens.removeLast();
    }
  }

  String scrub(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    List<Secret> all = new ArrayList<>(fixed);
    synchronized (this) {
      all.addAll(tokens);
    }
    String out = text;
    for (Secret secret : all) {
      String value = secret.reveal();
      if (value.length() >= MIN_LENGTH) {
        out = out.replace(value, MARK);
      }
    }
    return out;
  }
}
