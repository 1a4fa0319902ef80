package dev.dynsecret.apic.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dynsecret.NotFoundException;
import dev.dynsecret.apic.ApiConnectDiscovery.Application;
import dev.dynsecret.apic.ApiConnectDiscovery.Catalog;
import dev.dynsecret.apic.ApiConnectDiscovery.Organization;
import java.util.List;

/** The list calls behind {@code ApiConnectDiscovery}, on one connection's token and HTTP client. */
public final class Discovery implements AutoCloseable {
  private final ApicConnection connection;

  private Discovery(ApicConnection connection) {
    this.connection = connection;
  }

  public static Discovery open(ApicSettings settings, ApicOptions options) {
    return new Discovery(ApicConnection.open(settings, options));
  }

  public List<Organization> organizations() {
    return connection.listAll(PathSegments.path("api", "orgs"), "", () ->
        new NotFoundException("GET /api/orgs answered 404: the platform API at this url does"
            + " not list organizations (is the url the platform API's?)")).stream()
        .map(o -> new Organization(text(o, "id"), text(o, "name"), text(o, "title")))
        .toList();
  }

  public List<Catalog> catalogs(String org) {
    return connection.listAll(PathSegments.path("api", "orgs", org, "catalogs"), "", () ->
        new NotFoundException("organization '" + SettingsParser.shown(org) + "' was not found"
            + " by name or id, or is not visible to this API key")).stream()
        .map(c -> new Catalog(text(c, "id"), text(c, "name"), text(c, "title")))
        .toList();
  }

  public List<Application> applications(String org, String catalog) {
    return connection.listAll(PathSegments.path("api", "catalogs", org, catalog, "apps"),
        "expand=consumer_org", () -> new NotFoundException("catalog '"
            + SettingsParser.shown(catalog) + "' of organization '" + SettingsParser.shown(org)
            + "' was not found by name or id, or is not visible to this API key")).stream()
        .map(Discovery::application)
        .toList();
  }

  private static Application application(JsonNode app) {
    JsonNode owner = app.get("consumer_org");
    String ownerId = owner != null && owner.isObject() ? text(owner, "id")
        : Json.text(app, "consumer_org_url").map(PathSegments::lastSegment).orElse(null);
    String ownerName = owner != null && owner.isObject() ? text(owner, "name") : null;
    return new Application(text(app, "id"), text(app, "name"), text(app, "title"),
        text(app, "state"), ownerId, ownerName);
  }

  private static String text(JsonNode node, String field) {
    return Json.text(node, field).orElse(null);
  }

  @Override
  public void close() {
    connection.close();
  }

  @Override
  public String toString() {
    return "Discovery[" + connection + "]";
  }
}
