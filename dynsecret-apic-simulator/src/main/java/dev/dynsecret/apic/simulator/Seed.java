package dev.dynsecret.apic.simulator;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * The entities a simulator starts with: one provider org holding one catalog, with one consumer org
 * owning one application, so credentials can be created with no set-up.
 *
 * @param org the provider organization
 * @param catalog the catalog in {@code org}
 * @param consumerOrg the consumer organization in {@code catalog}
 * @param app the application owned by {@code consumerOrg}
 */
public record Seed(EntityRef org, EntityRef catalog, EntityRef consumerOrg, EntityRef app) {
  /**
   * Checks every part is present.
   *
   * @param org the provider organization
   * @param catalog the catalog in {@code org}
   * @param consumerOrg the consumer organization in {@code catalog}
   * @param app the application owned by {@code consumerOrg}
   */
  public Seed {
    Objects.requireNonNull(org, "org");
    Objects.requireNonNull(catalog, "catalog");
    Objects.requireNonNull(consumerOrg, "consumerOrg");
    Objects.requireNonNull(app, "app");
  }

  /**
   * {@return the credentials collection path of the seeded application, by names (URL-encoded):
   * {@code /api/apps/{org}/{catalog}/{consumer-org}/{app}/credentials}}
   */
  public String credentialsPath() {
    return "/api/apps/" + encode(org.name()) + "/" + encode(catalog.name()) + "/"
        + encode(consumerOrg.name()) + "/" + encode(app.name()) + "/credentials";
  }

  private static String encode(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
