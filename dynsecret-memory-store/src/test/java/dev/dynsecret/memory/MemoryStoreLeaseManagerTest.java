package dev.dynsecret.memory;

import dev.dynsecret.spi.LeaseStore;
import dev.dynsecret.testkit.LeaseManagerContract;

/** The engine's full behaviour, over the memory store. */
class MemoryStoreLeaseManagerTest extends LeaseManagerContract {
  @Override
  protected LeaseStore newStore() {
    return new MemoryLeaseStore();
  }
}
