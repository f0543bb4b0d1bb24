package org.vmapstress.model;

/**
 * A block thrown away by purge_fragmented_block, as a tracepoint would report it: its start,
 * how many never-allocated slots it still had, and whether the purge was forced.
 */
public record PurgedBlock(long start, int freeAtPurge, boolean forced) {
}
