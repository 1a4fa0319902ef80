package dev.dynsecret.testkit;

import dev.dynsecret.LeaseManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Drives several {@link LeaseManager}s sharing one store the way several application instances
 * would: from their own threads, at the same moment. For tests of claims and exactly-once work.
 */
public final class ManyNodes {
  private static final long WAIT_MINUTES = 2;

  private ManyNodes() {}

  /**
   * Starts every manager's {@link LeaseManager#processDue()} at the same instant, each on its own
   * thread, and waits for all of them (two minutes at most).
   *
   * @param managers the managers
   * @return how many leases each manager worked, in the order given
   */
  public static List<Integer> processDueAtOnce(List<LeaseManager> managers) {
    CountDownLatch go = new CountDownLatch(1);
    List<Callable<Integer>> passes = new ArrayList<>();
    for (LeaseManager manager : managers) {
      passes.add(() -> {
        go.await();
        return manager.processDue();
      });
    }
    return runAll(passes, go);
  }

  /**
   * Creates {@code count} leases of {@code secretName} through {@code manager} from {@code
   * threads} threads at once ({@code count} must divide evenly among them).
   *
   * @param manager the manager to create the leases with
   * @param secretName the dynamic secret's name
   * @param count how many leases to create
   * @param threads how many threads create them
   * @return the ids of the leases created
   */
  public static List<String> createLeases(
      LeaseManager manager, String secretName, int count, int threads) {
    if (threads < 1 || count % threads != 0) {
      throw new IllegalArgumentException(count + " leases do not divide among " + threads + " threads");
    }
    CountDownLatch go = new CountDownLatch(1);
    List<Callable<List<String>>> creators = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      creators.add(() -> {
        go.await();
        List<String> created = new ArrayList<>();
        for (int i = 0; i < count / threads; i++) {
          created.add(manager.create(secretName).lease().id());
        }
        return created;
      });
    }
    List<String> ids = new ArrayList<>();
    runAll(creators, go).forEach(ids::addAll);
    return ids;
  }

  /**
   * Starts every task at the same instant, each on its own thread, and waits for all of them (two
   * minutes at most).
   *
   * @param tasks the tasks
   * @param <T> what each task returns
   * @return their results, in the order given
   */
  public static <T> List<T> atOnce(List<Callable<T>> tasks) {
    CountDownLatch go = new CountDownLatch(1);
    List<Callable<T>> gated = new ArrayList<>();
    for (Callable<T> task : tasks) {
      gated.add(() -> {
        go.await();
        return task.call();
      });
    }
    return runAll(gated, go);
  }

  private static <T> List<T> runAll(List<Callable<T>> tasks, CountDownLatch go) {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    try {
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> task : tasks) {
        futures.add(pool.submit(task));
      }
      go.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(WAIT_MINUTES, TimeUnit.MINUTES));
      }
      return results;
    } catch (ExecutionException e) {
      throw new AssertionError("a node failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("the nodes did not finish within " + WAIT_MINUTES + " minutes", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } finally {
      pool.shutdownNow();
    }
  }
}
