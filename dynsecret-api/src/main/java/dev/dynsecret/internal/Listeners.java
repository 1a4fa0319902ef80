package dev.dynsecret.internal;

import dev.dynsecret.Lease;
import dev.dynsecret.LeaseListener;
import dev.dynsecret.spi.LeaseRecord;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls every listener, and keeps one that throws from affecting the engine or the others. */
public final class Listeners {
  private static final Logger log = LoggerFactory.getLogger(Listeners.class);

  private final List<LeaseListener> listeners;

  public Listeners(List<LeaseListener> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  /** Calls every listener with the lease as users see it. */
  public void fire(String step, LeaseRecord record, BiConsumer<LeaseListener, Lease> call) {
    if (listeners.isEmpty()) {
      return;
    }
    Lease lease = record.toLease();
    callEach(listeners, listener -> call.accept(listener, lease), log, "Lease listener",
        "'" + step + "' for lease " + lease.id());
  }

  /** Calls every listener for a step that concerns no lease record, such as an orphan deleted. */
  public void fire(String step, String subject, Consumer<LeaseListener> call) {
    callEach(listeners, call, log, "Lease listener", "'" + step + "' for " + subject);
  }

  /**
   * Calls {@code call} on each listener in turn. One that throws is logged ("{@code kind} … failed
   * on {@code what}") and skipped, so it changes neither what the engine does nor what the other
   * listeners hear; only a virtual machine error goes on up.
   */
  static <L> void callEach(List<L> listeners, Consumer<L> call, Logger log, String kind,
      String what) {
    for (L listener : listeners) {
      try {
        call.accept(listener);
      } catch (RuntimeException | Error e) {
        if (e instanceof VirtualMachineError vmError) {
          throw vmError;
        }
        log.warn("{} {} failed on {}; ignored", kind, listener.getClass().getName(), what, e);
      }
    }
  }
}
