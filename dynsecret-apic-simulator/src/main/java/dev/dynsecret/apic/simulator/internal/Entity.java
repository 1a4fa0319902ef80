package dev.dynsecret.apic.simulator.internal;

import dev.dynsecret.Secret;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One node of the simulated platform: provider org, catalog, consumer org, application or
 * credential. Children keep creation order, so paged lists are stable. Guarded by
 * {@link Platform}'s lock.
 */
final class Entity {
  enum Kind {
    ROOT("root"),
    ORG("org"),
    CATALOG("catalog"),
    CONSUMER_ORG("consumer_org"),
    APP("app"),
    CREDENTIAL("credential");

    final String type;

    Kind(String type) {
      this.type = type;
    }
  }

  final Kind kind;
  final String id;
  final String name;
  final String title;
  final String summary;
  final Instant createdAt;
  final Entity parent;
  final String clientId; // credentials only
  final Secret clientSecret; // credentials only
  private final Map<String, Entity> childrenById = new LinkedHashMap<>();
  private final Map<String, Entity> childrenByName = new HashMap<>();

  Entity(
      Kind kind, String id, String name, String title, String summary, Instant createdAt,
      Entity parent, String clientId, Secret clientSecret) {
    this.kind = kind;
    this.id = id;
    this.name = name;
    this.title = title;
    this.summary = summary;
    this.createdAt = createdAt;
    this.parent = parent;
    this.clientId = clientId;
    this.clientSecret = clientSecret;
  }

  /** A child by id first, then by name, as the platform resolves a path segment. */
  Entity child(String idOrName) {
    Entity byId = childrenById.get(idOrName);
    return byId != null ? byId : childrenByName.get(idOrName);
  }

  boolean hasChildNamed(String name) {
    return childrenByName.containsKey(name);
  }

  void add(Entity child) {
    childrenById.put(child.id, child);
    childrenByName.put(child.name, child);
  }

  void remove(Entity child) {
    childrenById.remove(child.id);
    childrenByName.remove(child.name);
  }

  Iterable<Entity> children() {
    return childrenById.values();
  }

  int childCount() {
    return childrenById.size();
  }

  Entity ancestor(Kind wanted) {
    Entity e = this;
    while (e != null && e.kind != wanted) {
      e = e.parent;
    }
    return e;
  }

  @Override
  public String toString() {
    return kind.type + "[id=" + id + ", name=" + name + "]";
  }
}
