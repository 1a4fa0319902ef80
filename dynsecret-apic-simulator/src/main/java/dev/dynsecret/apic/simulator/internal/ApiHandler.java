package dev.dynsecret.apic.simulator.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Routes a request to the platform operation its method and path name, after the bearer check.
 * Every failure becomes the platform's JSON error shape.
 *
 * <p>Routes, all under {@code /api}:
 * <pre>
 * POST   /token
 * GET    /orgs/{org}
 * GET    /catalogs/{org}/{catalog}
 * GET    /catalogs/{org}/{catalog}/consumer-orgs        paged
 * GET    /catalogs/{org}/{catalog}/apps                 paged, expand=consumer_org, fields=
 * GET    /catalogs/{org}/{catalog}/credentials          paged
 * GET    /consumer-orgs/{org}/{catalog}/{consumer-org}
 * GET    /apps/{org}/{catalog}/{consumer-org}/{app}
 * GET    /apps/{org}/{catalog}/{consumer-org}/{app}/credentials                 paged
 * POST   /apps/{org}/{catalog}/{consumer-org}/{app}/credentials
 * GET    /apps/{org}/{catalog}/{consumer-org}/{app}/credentials/{credential}
 * DELETE /apps/{org}/{catalog}/{consumer-org}/{app}/credentials/{credential}
 * </pre>
 */
final class ApiHandler {
  private final Platform platform;
  private final Auth auth;
  private final int maxPageSize;

  ApiHandler(Platform platform, Auth auth, int maxPageSize) {
    this.platform = platform;
    this.auth = auth;
    this.maxPageSize = maxPageSize;
  }

  Reply handle(ApiRequest request) {
    try {
      return route(request);
    } catch (ApiError e) {
      return Reply.error(e.status(), e.getMessage());
    }
  }

  private Reply route(ApiRequest r) {
    List<String> s = r.segments();
    int n = s.size();
    if (n < 2 || !s.get(0).equals("api")) {
      throw ApiError.notFound("No such resource: " + r.path());
    }
    String area = s.get(1);
    if (area.equals("token") && n == 2) {
      allow(r, "POST");
      return auth.exchange(Json.parse(r.body()));
    }
    auth.authenticate(r.authorization());
    switch (area) {
      case "orgs":
        if (n == 3) {
          allow(r, "GET");
          return ok(platform.getOrg(s.get(2)));
        }
        break;
      case "catalogs":
        if (n == 4) {
          allow(r, "GET");
          return ok(platform.getCatalog(s.get(2), s.get(3)));
        }
        if (n == 5) {
          switch (s.get(4)) {
            case "apps":
              allow(r, "GET");
              boolean expand = csv(r.query().get("expand")).contains("consumer_org");
              return list(r, platform.listApps(s.get(2), s.get(3), paging(r), expand));
            case "credentials":
              allow(r, "GET");
              return list(r, platform.listCatalogCredentials(s.get(2), s.get(3), paging(r)));
            case "consumer-orgs":
              allow(r, "GET");
              return list(r, platform.listConsumerOrgs(s.get(2), s.get(3), paging(r)));
            default:
              break;
          }
        }
        break;
      case "consumer-orgs":
        if (n == 5) {
          allow(r, "GET");
          return ok(platform.getConsumerOrg(s.get(2), s.get(3), s.get(4)));
        }
        break;
      case "apps":
        if (n == 6) {
          allow(r, "GET");
          return ok(platform.getApp(s.get(2), s.get(3), s.get(4), s.get(5)));
        }
        if (n == 7 && s.get(6).equals("credentials")) {
          allow(r, "GET", "POST");
          return r.method().equals("POST")
              ? platform.createCredential(
                  s.get(2), s.get(3), s.get(4), s.get(5), Json.parse(r.body()))
              : list(r, platform.listCredentials(s.get(2), s.get(3), s.get(4), s.get(5), paging(r)));
        }
        if (n == 8 && s.get(6).equals("credentials")) {
          allow(r, "GET", "DELETE");
          return r.method().equals("DELETE")
              ? platform.deleteCredential(s.get(2), s.get(3), s.get(4), s.get(5), s.get(7))
              : ok(platform.getCredential(s.get(2), s.get(3), s.get(4), s.get(5), s.get(7)));
        }
        break;
      default:
        break;
    }
    throw ApiError.notFound("No such resource: " + r.path());
  }

  private static void allow(ApiRequest r, String... methods) {
    if (!Arrays.asList(methods).contains(r.method())) {
      throw new ApiError(405, "Method " + r.method() + " is not allowed on " + r.path());
    }
  }

  private static Reply ok(ObjectNode node) {
    return Reply.json(200, node);
  }

  /** A list answer, projected to the {@code fields=} the client asked for. */
  private static Reply list(ApiRequest r, ObjectNode page) {
    Set<String> fields = csv(r.query().get("fields"));
    if (!fields.isEmpty()) {
      for (JsonNode result : page.withArray("results")) {
        ((ObjectNode) result).retain(fields);
      }
    }
    return ok(page);
  }

  /** {@code limit} and {@code offset}; a missing or too large limit becomes the maximum. */
  private Paging paging(ApiRequest r) {
    int limit = number(r, "limit", 1, maxPageSize);
    int offset = number(r, "offset", 0, 0);
    return new Paging(Math.min(limit, maxPageSize), offset);
  }

  private static int number(ApiRequest r, String name, int min, int absent) {
    String value = r.query().get(name);
    if (value == null || value.isEmpty()) {
      return absent;
    }
    try {
      int parsed = Integer.parseInt(value);
      if (parsed >= min) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // falls through to the error below
    }
    throw ApiError.badRequest(name + ": must be an integer of at least " + min);
  }

  private static Set<String> csv(String value) {
    if (value == null || value.isBlank()) {
      return Set.of();
    }
    return Arrays.stream(value.split(","))
        .map(String::strip)
        .filter(v -> !v.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }
}
