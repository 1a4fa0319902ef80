package dev.dynsecret.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot service that hands out IBM API Connect credentials as leases. Everything dynsecret
 * needs comes from {@code application.properties}: the {@code orders-api} dynamic secret, the
 * store, the actuator. Without {@code DYNSECRET_APIC_URL} it runs against an in-process APIC
 * simulator ({@link ApicSimulatorEnvironment}).
 *
 * <pre>
 * curl -X POST localhost:8080/leases                         # a new credential (secret masked)
 * curl localhost:8080/actuator/dynsecret                     # secrets and lease counts
 * curl localhost:8080/actuator/dynsecret/orders-api          # its leases
 * curl localhost:8080/actuator/health                        # includes "dynsecret"
 * curl localhost:8080/actuator/metrics/dynsecret.leases.created
 * curl -X DELETE localhost:8080/leases/{id}                  # revoke
 * </pre>
 */
@SpringBootApplication
public class LeasesApplication {
  public static void main(String[] args) {
    SpringApplication.run(LeasesApplication.class, args);
  }
}
