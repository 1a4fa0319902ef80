package dev.dynsecret.apic.simulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dynsecret.Secret;
import dev.dynsecret.testkit.IssuedSecrets;
import dev.dynsecret.apic.simulator.EntityRef;
import dev.dynsecret.apic.simulator.LiveCredential;
import dev.dynsecret.apic.simulator.Seed;
import dev.dynsecret.apic.simulator.internal.Entity.Kind;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The simulated platform's state: provider orgs, catalogs, consumer orgs, applications and their
 * credentials, with the operations the HTTP handlers and the test-facing API perform on it.
 *
 * <p>Every method holds this object's lock: operations are tiny next to an HTTP round trip, and one
 * lock makes each request atomic, as a test expects ("create then list shows it").
 */
public final class Platform {
  private static final String API_VERSION = "2.0.0";

  private final String baseUrl;
  private final Clock clock;
  private final SimulatorConfig config;
  private final Seed seed;
  // guarded by this
  private Entity root;
  private final Map<String, Entity> credentialsByClientId = new HashMap<>();

  public Platform(String baseUrl, Clock clock, SimulatorConfig config) {
    this.baseUrl = baseUrl;
    this.clock = clock;
    this.config = config;
    // Ids are chosen once, so handles a test holds stay valid across reset().
    this.seed = new Seed(
        new EntityRef(uuid(), config.orgName()),
        new EntityRef(uuid(), config.catalogName()),
        new EntityRef(uuid(), config.consumerOrgName()),
        new EntityRef(uuid(), config.appName()));
    reset();
  }

  public Seed seed() {
    return seed;
  }

  /** Back to the seed alone: no credentials, no entities added since start. */
  public synchronized void reset() {
    credentialsByClientId.clear();
    root = new Entity(Kind.ROOT, "", "", "", "", clock.instant(), null, null, null);
    Entity org = addEntity(root, Kind.ORG, seed.org());
    Entity catalog = addEntity(org, Kind.CATALOG, seed.catalog());
    Entity consumerOrg = addEntity(catalog, Kind.CONSUMER_ORG, seed.consumerOrg());
    addEntity(consumerOrg, Kind.APP, seed.app());
  }

  /** Adds a consumer org to the seeded catalog. */
  public synchronized EntityRef addConsumerOrg(String name) {
    Entity catalog = seededCatalog();
    checkNewName(catalog, name, "consumer org");
    return ref(addEntity(catalog, Kind.CONSUMER_ORG, new EntityRef(uuid(), name)));
  }

  /** Adds an application to a consumer org (name or id) of the seeded catalog. */
  public synchronized EntityRef addApp(String consumerOrg, String name) {
    Entity owner = seededCatalog().child(consumerOrg);
    if (owner == null) {
      throw new IllegalArgumentException("consumerOrg: no consumer org '" + consumerOrg + "'");
    }
    checkNewName(owner, name, "application");
    return ref(addEntity(owner, Kind.APP, new EntityRef(uuid(), name)));
  }

  /** Deletes an application and its credentials, as an administrator could; false if absent. */
  public synchronized boolean removeApp(String consumerOrg, String app) {
    Entity owner = seededCatalog().child(consumerOrg);
    Entity target = owner == null ? null : owner.child(app);
    if (target == null) {
      return false;
    }
    for (Entity credential : target.children()) {
      credentialsByClientId.remove(credential.clientId);
    }
    owner.remove(target);
    return true;
  }

  public synchronized List<LiveCredential> liveCredentials() {
    List<LiveCredential> all = new ArrayList<>();
    for (Entity org : root.children()) {
      for (Entity catalog : org.children()) {
        for (Entity consumerOrg : catalog.children()) {
          for (Entity app : consumerOrg.children()) {
            for (Entity c : app.children()) {
              all.add(new LiveCredential(
                  org.name, catalog.name, consumerOrg.name, app.name, c.id, c.name, c.clientId));
            }
          }
        }
      }
    }
    return List.copyOf(all);
  }

  public synchronized List<String> liveCredentialNames(String app) {
    List<String> names = new ArrayList<>();
    for (Entity org : root.children()) {
      for (Entity catalog : org.children()) {
        for (Entity consumerOrg : catalog.children()) {
          Entity match = consumerOrg.child(app);
          if (match != null) {
            match.children().forEach(c -> names.add(c.name));
          }
        }
      }
    }
    return List.copyOf(names);
  }

  public synchronized boolean isValidAppCredential(String clientId, Secret clientSecret) {
    Entity credential = credentialsByClientId.get(clientId);
    return credential != null && credential.clientSecret.equals(clientSecret);
  }

  // ---- HTTP operations; segments are names or ids, as on the real platform ----

  synchronized ObjectNode getOrg(String org) {
    return render(org(org), false);
  }

  synchronized ObjectNode getCatalog(String org, String catalog) {
    return render(catalog(org, catalog), false);
  }

  synchronized ObjectNode getConsumerOrg(String org, String catalog, String consumerOrg) {
    return render(consumerOrg(org, catalog, consumerOrg), false);
  }

  synchronized ObjectNode getApp(String org, String catalog, String consumerOrg, String app) {
    return render(app(org, catalog, consumerOrg, app), false);
  }

  synchronized ObjectNode listConsumerOrgs(String org, String catalog, Paging paging) {
    List<Entity> all = new ArrayList<>();
    catalog(org, catalog).children().forEach(all::add);
    return page(all, paging, false);
  }

  synchronized ObjectNode listApps(
      String org, String catalog, Paging paging, boolean expandConsumerOrg) {
    List<Entity> all = new ArrayList<>();
    for (Entity consumerOrg : catalog(org, catalog).children()) {
      consumerOrg.children().forEach(all::add);
    }
    ObjectNode page = page(all, paging, false);
    if (expandConsumerOrg) {
      for (JsonNode app : page.withArray("results")) {
        Entity consumerOrg = consumerOrg(org, catalog, lastSegment(app.get("consumer_org_url")));
        ((ObjectNode) app).set("consumer_org", render(consumerOrg, false));
      }
    }
    return page;
  }

  synchronized ObjectNode listCatalogCredentials(String org, String catalog, Paging paging) {
    List<Entity> all = new ArrayList<>();
    for (Entity consumerOrg : catalog(org, catalog).children()) {
      for (Entity app : consumerOrg.children()) {
        app.children().forEach(all::add);
      }
    }
    return page(all, paging, false);
  }

  synchronized ObjectNode listCredentials(
      String org, String catalog, String consumerOrg, String app, Paging paging) {
    List<Entity> all = new ArrayList<>();
    app(org, catalog, consumerOrg, app).children().forEach(all::add);
    return page(all, paging, false);
  }

  synchronized ObjectNode getCredential(
      String org, String catalog, String consumerOrg, String app, String credential) {
    return render(credential(org, catalog, consumerOrg, app, credential), false);
  }

  /** Creates a credential; the answer is the only one that ever shows its client secret. */
  synchronized Reply createCredential(
      String org, String catalog, String consumerOrg, String app, JsonNode body) {
    Entity owner = app(org, catalog, consumerOrg, app);
    if (!body.isObject()) {
      throw ApiError.badRequest("The request body must be a JSON object");
    }
    String name = optionalText(body, "name");
    String title = optionalText(body, "title");
    String summary = optionalText(body, "summary");
    String clientId = optionalText(body, "client_id");
    String clientSecret = optionalText(body, "client_secret");
    String id = uuid();
    if (name != null && name.isBlank()) {
      throw ApiError.badRequest("name: must not be empty");
    }
    if (name == null) {
      // The platform derives a missing name from the title.
      name = title == null ? "" : slug(title);
      if (name.isEmpty()) {
        name = "credential-" + id.substring(0, 8);
      }
    }
    if (name.contains("/")) {
      throw ApiError.badRequest("name: must not contain '/'");
    }
    if (owner.hasChildNamed(name)) {
      throw duplicate("Credential '" + name + "' already exists in application '" + owner.name + "'");
    }
    if (clientId != null && (clientId.isBlank() || credentialsByClientId.containsKey(clientId))) {
      throw clientId.isBlank()
          ? ApiError.badRequest("client_id: must not be empty")
          : duplicate("A credential with this client_id already exists");
    }
    if (clientSecret != null && clientSecret.isEmpty()) {
      throw ApiError.badRequest("client_secret: must not be empty");
    }
    Entity credential = new Entity(
        Kind.CREDENTIAL, id, name, title == null ? name : title, summary == null ? "" : summary,
        clock.instant(), owner,
        clientId != null ? clientId : Randoms.hex(16),
        Secret.of(clientSecret != null ? clientSecret : Randoms.token(24)));
    IssuedSecrets.issued(credential.clientSecret);
    owner.add(credential);
    credentialsByClientId.put(credential.clientId, credential);
    return Reply.json(config.createStatus(), render(credential, true));
  }

  synchronized Reply deleteCredential(
      String org, String catalog, String consumerOrg, String app, String credential) {
    Entity target = credential(org, catalog, consumerOrg, app, credential);
    target.parent.remove(target);
    credentialsByClientId.remove(target.clientId);
    return config.deleteStatus() == 204
        ? Reply.empty(204)
        : Reply.json(config.deleteStatus(), render(target, false));
  }

  // ---- resolution ----

  private Entity org(String org) {
    return existing(root.child(org), "Organization", org);
  }

  private Entity catalog(String org, String catalog) {
    return existing(org(org).child(catalog), "Catalog", catalog);
  }

  private Entity consumerOrg(String org, String catalog, String consumerOrg) {
    return existing(catalog(org, catalog).child(consumerOrg), "Consumer organization", consumerOrg);
  }

  private Entity app(String org, String catalog, String consumerOrg, String app) {
    return existing(consumerOrg(org, catalog, consumerOrg).child(app), "Application", app);
  }

  private Entity credential(
      String org, String catalog, String consumerOrg, String app, String credential) {
    return existing(
        app(org, catalog, consumerOrg, app).child(credential), "Credential", credential);
  }

  private static Entity existing(Entity entity, String what, String segment) {
    if (entity == null) {
      throw ApiError.notFound(what + " '" + segment + "' not found");
    }
    return entity;
  }

  private Entity seededCatalog() {
    return root.child(seed.org().id()).child(seed.catalog().id());
  }

  private Entity addEntity(Entity parent, Kind kind, EntityRef ref) {
    Entity entity = new Entity(
        kind, ref.id(), ref.name(), ref.name(), "", clock.instant(), parent, null, null);
    parent.add(entity);
    return entity;
  }

  private static void checkNewName(Entity parent, String name, String what) {
    if (name == null || name.isBlank() || name.contains("/")) {
      throw new IllegalArgumentException("name: must be non-blank without '/', was '" + name + "'");
    }
    if (parent.hasChildNamed(name)) {
      throw new IllegalArgumentException("name: a " + what + " '" + name + "' already exists");
    }
  }

  private ApiError duplicate(String message) {
    return new ApiError(config.duplicateStatus(), message);
  }

  // ---- rendering ----

  private ObjectNode page(List<Entity> all, Paging paging, boolean withSecrets) {
    ObjectNode page = Json.object();
    page.put("total_results", all.size());
    ArrayNode results = page.putArray("results");
    int end = (int) Math.min(all.size(), (long) paging.offset() + paging.limit());
    for (int i = paging.offset(); i < end; i++) {
      results.add(render(all.get(i), withSecrets));
    }
    return page;
  }

  private ObjectNode render(Entity e, boolean withSecret) {
    ObjectNode node = Json.object();
    node.put("type", e.kind.type);
    node.put("api_version", API_VERSION);
    node.put("id", e.id);
    node.put("name", e.name);
    node.put("title", e.title);
    node.put("summary", e.summary);
    switch (e.kind) {
      case ORG -> {
        node.put("org_type", "provider");
        node.put("state", "enabled");
      }
      case CATALOG -> node.put("org_url", url(e.parent));
      case CONSUMER_ORG -> {
        node.put("state", "enabled");
        node.put("org_url", url(e.ancestor(Kind.ORG)));
        node.put("catalog_url", url(e.parent));
      }
      case APP -> {
        node.put("state", "enabled");
        node.put("lifecycle_state", "production");
        node.put("org_url", url(e.ancestor(Kind.ORG)));
        node.put("catalog_url", url(e.ancestor(Kind.CATALOG)));
        node.put("consumer_org_url", url(e.parent));
        ArrayNode credentialUrls = node.putArray("app_credential_urls");
        e.children().forEach(c -> credentialUrls.add(url(c)));
      }
      case CREDENTIAL -> {
        node.put("client_id", e.clientId);
        if (withSecret) {
          node.put("client_secret", e.clientSecret.reveal());
        }
        node.put("org_url", url(e.ancestor(Kind.ORG)));
        node.put("catalog_url", url(e.ancestor(Kind.CATALOG)));
        node.put("consumer_org_url", url(e.ancestor(Kind.CONSUMER_ORG)));
        node.put("app_url", url(e.parent));
      }
      default -> throw new IllegalStateException("cannot render " + e.kind);
    }
    node.put("created_at", Json.timestamp(e.createdAt));
    node.put("updated_at", Json.timestamp(e.createdAt));
    node.put("url", url(e));
    return node;
  }

  /** The entity's URL, built from ids as the platform does. */
  private String url(Entity e) {
    return switch (e.kind) {
      case ORG -> baseUrl + "/api/orgs/" + e.id;
      case CATALOG -> baseUrl + "/api/catalogs/" + e.parent.id + "/" + e.id;
      case CONSUMER_ORG -> baseUrl + "/api/consumer-orgs/" + ids(e);
      case APP -> baseUrl + "/api/apps/" + ids(e);
      case CREDENTIAL -> url(e.parent) + "/credentials/" + e.id;
      case ROOT -> baseUrl + "/api";
    };
  }

  private static String ids(Entity e) {
    return e.parent.kind == Kind.ORG ? e.parent.id + "/" + e.id
        : e.parent.kind == Kind.ROOT ? e.id
        : ids(e.parent) + "/" + e.id;
  }

  // ---- helpers ----

  private static String optionalText(JsonNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw ApiError.badRequest(field + ": must be a string");
    }
    return value.asText();
  }

  static String slug(String title) {
    return title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
  }

  private static String lastSegment(JsonNode url) {
    String text = url.asText();
    return text.substring(text.lastIndexOf('/') + 1);
  }

  private static EntityRef ref(Entity e) {
    return new EntityRef(e.id, e.name);
  }

  private static String uuid() {
    return UUID.randomUUID().toString();
  }
}
