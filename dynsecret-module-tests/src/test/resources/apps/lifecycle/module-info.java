// A host application as a named module. It does not name the APIC provider's module: ServiceLoader
// binds it, because dev.dynsecret `uses` the provider service and dev.dynsecret.apic `provides` it.
module app {
  requires dev.dynsecret;
  requires dev.dynsecret.memory;
  requires dev.dynsecret.jdbc;
  requires com.h2database;
}
