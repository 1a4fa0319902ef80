package dev.dynsecret.apic.simulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dynsecret.Secret;
import dev.dynsecret.apic.simulator.ApiKeyPolicy;
import dev.dynsecret.testkit.IssuedSecrets;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The token endpoint and bearer checks: API keys with their policies, and the tokens issued for
 * them with an expiry read from the injected clock.
 */
public final class Auth {
  private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

  private final Clock clock;
  private final Duration tokenTtl;
  private final String clientId;
  private final Secret clientSecret;
  private final ApiKey primaryKey;
  private final List<ApiKey> keys = new CopyOnWriteArrayList<>();
  // token -> expiry; tokens are random, so a plain map lookup leaks nothing useful through timing
  private final Map<String, Instant> tokens = new ConcurrentHashMap<>();

  public Auth(
      Clock clock, Duration tokenTtl, String clientId, Secret clientSecret, Secret apiKey,
      ApiKeyPolicy policy) {
    this.clock = clock;
    this.tokenTtl = tokenTtl;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
    this.primaryKey = new ApiKey(apiKey, policy, clock.instant());
    keys.add(primaryKey);
    // Announced for a search of test logs (a no-op unless a build installs an observer).
    IssuedSecrets.issued(apiKey);
    IssuedSecrets.issued(clientSecret);
  }

  /** Adds a key, created now, that works alongside the primary one until {@link #reset()}. */
  public Secret addApiKey(ApiKeyPolicy policy) {
    Secret key = Secret.of(Randoms.token(32));
    IssuedSecrets.issued(key);
    keys.add(new ApiKey(key, policy, clock.instant()));
    return key;
  }

  /** Revokes every token issued so far. */
  public void invalidateTokens() {
    tokens.clear();
  }

  /** Only the primary key left, unused and created now; no tokens. */
  public void reset() {
    tokens.clear();
    keys.clear();
    primaryKey.renew(clock.instant());
    keys.add(primaryKey);
  }

  /** {@code POST /api/token} with the API-key grant. */
  Reply exchange(JsonNode body) {
    if (!body.isObject()) {
      throw ApiError.badRequest("The request body must be a JSON object");
    }
    String grant = text(body, "grant_type");
    if (!"api_key".equals(grant)) {
      throw ApiError.badRequest("grant_type: must be api_key");
    }
    String givenClientId = text(body, "client_id");
    String givenClientSecret = text(body, "client_secret");
    if (!clientId.equals(givenClientId)
        || givenClientSecret == null
        || givenClientSecret.isEmpty()
        || !clientSecret.equals(Secret.of(givenClientSecret))) {
      throw ApiError.unauthorized("Invalid client_id or client_secret");
    }
    String givenKey = text(body, "api_key");
    if (givenKey == null || givenKey.isEmpty()) {
      throw ApiError.unauthorized("Invalid API key");
    }
    Secret candidate = Secret.of(givenKey);
    ApiKey key = keys.stream().filter(k -> k.value.equals(candidate)).findFirst()
        .orElseThrow(() -> ApiError.unauthorized("Invalid API key"));
    Instant now = clock.instant();
    if (key.timedOut(now)) {
      throw ApiError.unauthorized("The API key has expired");
    }
    if (!key.use()) {
      throw ApiError.unauthorized("The API key is single-use and has already been used");
    }
    String token = newToken(now);
    IssuedSecrets.issued(token);
    tokens.put(token, now.plus(tokenTtl));
    ObjectNode reply = Json.object();
    reply.put("access_token", token);
    reply.put("token_type", "Bearer");
    reply.put("expires_in", tokenTtl.toSeconds());
    return Reply.json(200, reply);
  }

  /** Checks the {@code Authorization} header of a platform call. */
  void authenticate(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw ApiError.unauthorized("A bearer token is required");
    }
    String token = authorization.substring(7).strip();
    Instant expiry = tokens.get(token);
    if (expiry == null) {
      throw ApiError.unauthorized("The token is not valid");
    }
    if (!clock.instant().isBefore(expiry)) {
      tokens.remove(token);
      throw ApiError.unauthorized("The token has expired");
    }
  }

  private static String text(JsonNode body, String field) {
    JsonNode value = body.get(field);
    return value != null && value.isTextual() ? value.asText() : null;
  }

  // Shaped like the platform's JWTs so clients that peek at them see three parts; unsigned.
  private String newToken(Instant now) {
    String header = "{\"alg\":\"none\",\"typ\":\"JWT\"}";
    String payload = "{\"jti\":\"" + UUID.randomUUID() + "\",\"iat\":" + now.getEpochSecond()
        + ",\"exp\":" + now.plus(tokenTtl).getEpochSecond() + ",\"sub\":\"apic-simulator\"}";
    return encode(header) + "." + encode(payload) + "." + Randoms.token(32);
  }

  private static String encode(String json) {
    return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
  }

  private static final class ApiKey {
    final Secret value;
    final ApiKeyPolicy policy;
    // guarded by this
    private Instant createdAt;
    private boolean used;

    ApiKey(Secret value, ApiKeyPolicy policy, Instant createdAt) {
      this.value = value;
      this.policy = policy;
      this.createdAt = createdAt;
    }

    synchronized boolean timedOut(Instant now) {
      return !policy.timeout().isZero() && !now.isBefore(createdAt.plus(policy.timeout()));
    }

    /** Marks one exchange; false if a single-use key was already exchanged. */
    synchronized boolean use() {
      if (!policy.reusable() && used) {
        return false;
      }
      used = true;
      return true;
    }

    synchronized void renew(Instant now) {
      createdAt = now;
      used = false;
    }
  }
}
