package dev.dynsecret.apic.simulator;

import java.util.Objects;

/**
 * The id and name of an entity in the simulated platform (provider org, catalog, consumer org or
 * application). Either one can be used as the entity's path segment in a request.
 *
 * @param id the entity's id, a UUID as the real platform uses
 * @param name the entity's name
 */
public record EntityRef(String id, String name) {
  /**
   * Checks both parts are present.
   *
   * @param id the entity's id, a UUID as the real platform uses
   * @param name the entity's name
   */
  public EntityRef {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
  }
}
