package dev.dynsecret.apic.simulator.internal;

/**
 * One page of a list: at most {@code limit} results starting at {@code offset}.
 *
 * @param limit the page size after clamping to the simulator's maximum
 * @param offset how many results to skip
 */
record Paging(int limit, int offset) {}
