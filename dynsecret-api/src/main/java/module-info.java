/**
 * dynsecret's API and SPI. Host applications use {@code dev.dynsecret}; store and provider
 * authors also {@code dev.dynsecret.spi}. The engine ({@code dev.dynsecret.internal}) is not
 * exported: no other module can compile against it or reach it by reflection.
 *
 * <p>Providers are found with {@link java.util.ServiceLoader} (unless registered explicitly): on
 * the module path, from modules that {@code provides dev.dynsecret.spi.DynamicSecretProvider}.
 */
module dev.dynsecret {
  exports dev.dynsecret;
  exports dev.dynsecret.spi;

  requires org.slf4j;
  // Nullness annotations only: nothing reads them at run time, so the jar may be absent there
  // (static). Transitive, so that a module reading dev.dynsecret also reads org.jspecify when it
  // is on the module path, and its compiler and nullness checker see the annotations on this API
  // without naming jspecify itself.
  requires static transitive org.jspecify;

  uses dev.dynsecret.spi.DynamicSecretProvider;
}
