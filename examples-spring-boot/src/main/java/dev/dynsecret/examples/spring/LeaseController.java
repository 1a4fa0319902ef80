package dev.dynsecret.examples.spring;

import dev.dynsecret.CreatedLease;
import dev.dynsecret.Lease;
import dev.dynsecret.LeaseManager;
import dev.dynsecret.NotFoundException;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the application does with dynsecret: creates a lease of {@code orders-api} per request
 * and revokes it on demand. A real service would hand the client secret to whoever needs the
 * credential; this one shows only its first characters.
 */
@RestController
class LeaseController {
  static final String SECRET = "orders-api";

  private final LeaseManager leases;

  LeaseController(LeaseManager leases) {
    this.leases = leases;
  }

  /** A credential's lease, its client ID, and the client secret masked. */
  record Issued(String leaseId, String clientId, String clientSecret, String expiresAt) {}

  @PostMapping("/leases")
  @ResponseStatus(HttpStatus.CREATED)
  Issued create() {
    CreatedLease created = leases.create(SECRET);
    String secret = created.secretData().get("CLIENT_SECRET").reveal();
    return new Issued(created.lease().id(), created.secretData().get("CLIENT_ID").reveal(),
        secret.substring(0, Math.min(4, secret.length())) + "…", created.lease().expiresAt().toString());
  }

  @DeleteMapping("/leases/{id}")
  String revoke(@PathVariable String id) {
    Lease lease = leases.revoke(id);
    return lease.state().name().toLowerCase();
  }

  @ExceptionHandler(NotFoundException.class)
  @ResponseStatus(HttpStatus.NOT_FOUND)
  String notFound(NotFoundException e) {
    return e.getMessage();
  }
}
