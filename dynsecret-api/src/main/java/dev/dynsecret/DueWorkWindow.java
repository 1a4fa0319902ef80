package dev.dynsecret;

/**
 * What background work has in flight, from {@link LeaseManager#dueWorkWindow()}: due leases are
 * worked in a window of provider calls that is refilled as calls finish, and whose limit adapts to
 * the provider (it grows while calls are answered at their usual latency, and shrinks when the
 * provider throttles, fails transiently or slows down), never beyond {@link
 * LeaseManager.Builder#maxInFlight}.
 *
 * @param inFlight provider calls of due work in flight now
 * @param limit how many may be in flight now
 * @param maxInFlight the configured ceiling of {@code limit}
 */
public record DueWorkWindow(int inFlight, int limit, int maxInFlight) {}
