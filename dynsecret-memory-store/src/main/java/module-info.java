/** The in-memory lease store, {@link dev.dynsecret.memory.MemoryLeaseStore}. */
module dev.dynsecret.memory {
  exports dev.dynsecret.memory;

  // Its public types implement and return dev.dynsecret's: readers of this module need it too.
  requires transitive dev.dynsecret;
  requires static org.jspecify;
}
