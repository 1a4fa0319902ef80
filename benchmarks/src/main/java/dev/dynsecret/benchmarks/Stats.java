package dev.dynsecret.benchmarks;

import java.util.Arrays;

/** Percentiles of a set of durations in nanoseconds (no HdrHistogram here: sort and index). */
record Stats(long count, double p50Micros, double p99Micros, double meanMicros) {

  static Stats of(long[] nanos) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    double sum = 0;
    for (long n : sorted) {
      sum += n;
    }
    return new Stats(sorted.length, percentile(sorted, 50) / 1e3, percentile(sorted, 99) / 1e3,
        sum / sorted.length / 1e3);
  }

  /** Nearest-rank percentile of sorted values. */
  static long percentile(long[] sorted, double p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
