module app {
  requires dev.dynsecret;
  requires dev.dynsecret.jdbc;
  requires dev.dynsecret.apic;
}
