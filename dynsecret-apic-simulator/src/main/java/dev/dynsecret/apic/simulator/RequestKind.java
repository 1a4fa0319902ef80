package dev.dynsecret.apic.simulator;

/**
 * What a request to the simulator asked for, as classified from its method and path. Used to count
 * requests ({@link ApicSimulator#requestCount(RequestKind)}) and to aim faults at some requests
 * only ({@link Faults#failNext(int, Fault, RequestKind...)}).
 *
 * <p>A request is classified by its shape alone, before authentication, so a rejected or faulted
 * request still counts under its kind.
 */
public enum RequestKind {
  /** {@code POST /api/token}. */
  TOKEN,
  /** {@code POST /api/apps/{org}/{catalog}/{consumer-org}/{app}/credentials}. */
  CREATE_CREDENTIAL,
  /** {@code DELETE /api/apps/{org}/{catalog}/{consumer-org}/{app}/credentials/{credential}}. */
  DELETE_CREDENTIAL,
  /** {@code GET /api/apps/{org}/{catalog}/{consumer-org}/{app}/credentials/{credential}}. */
  GET_CREDENTIAL,
  /**
   * {@code GET /api/apps/{org}/{catalog}/{consumer-org}/{app}/credentials} and the catalog-wide
   * {@code GET /api/catalogs/{org}/{catalog}/credentials}.
   */
  LIST_CREDENTIALS,
  /** {@code GET /api/catalogs/{org}/{catalog}/apps}. */
  LIST_APPS,
  /** Anything else: reads of an org, catalog, consumer org or app, and unknown paths. */
  OTHER
}
