/**
 * The IBM API Connect provider ({@code ibm-api-connect}), {@link
 * dev.dynsecret.apic.ApiConnectProvider}, offered to {@link java.util.ServiceLoader}. Only {@code
 * dev.dynsecret.apic} is exported; the HTTP client code lives in {@code dev.dynsecret.apic.internal}.
 */
module dev.dynsecret.apic {
  exports dev.dynsecret.apic;

  requires transitive dev.dynsecret;
  requires java.net.http;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;
  requires static org.jspecify;

  provides dev.dynsecret.spi.DynamicSecretProvider with dev.dynsecret.apic.ApiConnectProvider;
}
