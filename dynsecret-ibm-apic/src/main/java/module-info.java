/**
 * The IBM API Connect provider ({@code ibm-api-connect}), {@link
 * dev.dynsecret.apic.ApiConnectProvider}, offered to {@link java.util.ServiceLoader}. Only {@code
 * dev.dynsecret.apic} is exported; the HTTP client code lives in {@code dev.dynsecret.apic.internal}.
 */
// auto-service-annotations ships no module-info (an automatic module); javac warns on requiring
// one, which is harmless here: the requirement is static, for the compiler only.
@SuppressWarnings("requires-automatic")
module dev.dynsecret.apic {
  exports dev.dynsecret.apic;

  requires transitive dev.dynsecret;
  requires java.net.http;
  requires com.fasterxml.jackson.databind;
  requires org.slf4j;
  requires static org.jspecify;
  // @AutoService writes META-INF/services for the class path; only the compiler needs it.
  requires static com.google.auto.service;

  provides dev.dynsecret.spi.DynamicSecretProvider with dev.dynsecret.apic.ApiConnectProvider;
}
