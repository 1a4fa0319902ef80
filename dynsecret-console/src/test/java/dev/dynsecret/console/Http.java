package dev.dynsecret.console;

import dev.dynsecret.buildsupport.SecretsUsed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A browser as far as HTTP goes: one cookie, the CSRF token, JSON in and out. */
final class Http {
  private static final Pattern CSRF = Pattern.compile("\"token\":\"([^\"]+)\"");
  private final HttpClient client = HttpClient.newHttpClient();
  private final String base;
  String cookie;
  String csrf;

  Http(String base) {
    this.base = base;
  }

  HttpResponse<String> get(String path) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).GET();
    if (cookie != null) {
      request.header("Cookie", cookie);
    }
    return send(request.build());
  }

  /** A POST as the console's page sends it: JSON, the session cookie and the CSRF header. */
  HttpResponse<String> post(String path, String json) {
    return post(path, json, "application/json", true, null);
  }

  HttpResponse<String> post(String path, String json, String contentType, boolean withCsrf,
      String origin) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .POST(HttpRequest.BodyPublishers.ofString(json));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (cookie != null) {
      request.header("Cookie", cookie);
    }
    if (withCsrf && csrf != null) {
      request.header("X-CSRF-Token", csrf);
    }
    if (origin != null) {
      request.header("Origin", origin);
    }
    return send(request.build());
  }

  /** Signs in; keeps the cookie and the CSRF token. */
  HttpResponse<String> login(String token) {
    HttpResponse<String> response = post("api/login", "{\"token\":\"" + token + "\"}",
        "application/json", false, null);
    response.headers().firstValue("Set-Cookie").ifPresent(c -> {
      cookie = c.substring(0, c.indexOf(';'));
      SecretsUsed.record(cookie.substring(cookie.indexOf('=') + 1));
    });
    Matcher m = CSRF.matcher(response.body());
    if (m.find()) {
      csrf = m.group(1);
      SecretsUsed.record(csrf);
    }
    return response;
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return client.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
