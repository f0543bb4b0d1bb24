package org.vmapstress.model;

import java.util.Arrays;
import java.util.Optional;

/**
 * The invariants the harness checks, with the ids that appear in traces, tokens and reports.
 * The table with what breaks each one is in {@code ../shared/docs/vmap-model.md}; the model
 * adds {@link #USABLE_KEPT} and {@link #POSSIBLE_CPU}, which that table folds into the bugs' rows.
 */
public enum InvariantId {
    /** A page being pinned or reused has no writable PTE anywhere. */
    PTE_ALIAS("PTE-ALIAS"),
    /** When {@code vm_unmap_ram} returns, its range has no PTEs. */
    UNMAP_CLEARS("UNMAP-CLEARS"),
    /** A VA range handed out again has no TLB entry on any CPU. */
    TLB_REUSE("TLB-REUSE"),
    /** After {@code vm_unmap_aliases} returns, no CPU caches a VA unmapped before the call. */
    ALIASES_FLUSHED("ALIASES-FLUSHED"),
    /**
     * ALIASES-FLUSHED with no exemption: also a VA of a block a concurrent {@code vb_free} was
     * retiring. Checked only with {@link Bug#STRICT_ALIASES_FLUSHED} on ({@code --strict}).
     */
    ALIASES_FLUSHED_STRICT("ALIASES-FLUSHED-STRICT"),
    /** Live mappings never overlap; each live VA maps the pfn its caller gave. */
    NO_OVERLAP("NO-OVERLAP"),
    /** Per block, free + dirty + live == BITS, and the dirty range covers every freed slot a TLB may cache. */
    BLOCK_ACCOUNTING("BLOCK-ACCOUNTING"),
    /** At quiescence {@code vmap_lazy_nr} equals the pages on the lazy list; a purge never takes more than it counts. */
    LAZY_COUNT("LAZY-COUNT"),
    /** A block is on at most one free list, that of {@code vb->cpu}, and is linked or unlinked under that queue's lock. */
    QUEUE_OWNER("QUEUE-OWNER"),
    /** A block reachable from an index or a list is fully initialised. */
    PUBLISHED_INIT("PUBLISHED-INIT"),
    /** Blocks are filled oldest first, and with nothing live a sync purge leaves no block behind. */
    BOUNDED_BLOCKS("BOUNDED-BLOCKS"),
    /** Model locks are taken in the written order, never twice, and no execution deadlocks. */
    LOCK_ORDER("LOCK-ORDER"),
    /**
     * No worker waits forever for a model lock: a lock is never left held by a task that ended
     * (the task an oops killed, or one that returned without releasing it). A cycle of waiting
     * workers is a deadlock, {@link #LOCK_ORDER}.
     */
    HANG("HANG"),
    /** A second {@code vm_unmap_aliases} with no frees in between flushes no page. */
    FLUSH_ONCE("FLUSH-ONCE"),
    /** A non-forced purge ({@code vm_unmap_aliases}) keeps every block that can still serve allocations. */
    USABLE_KEPT("USABLE-KEPT"),
    /** Per-CPU data is only ever used for possible CPUs (impossible CPUs' data is never initialised). */
    POSSIBLE_CPU("POSSIBLE-CPU"),
    /**
     * Every two accesses to a shared field of the model, one a write, are ordered by
     * happens-before (a lock, a publication), and every plain access holds the lock its
     * declaration names. Checked only with {@link Bug#DATA_RACES} on ({@code --races}).
     */
    DATA_RACE("DATA-RACE");

    private final String id;

    InvariantId(String id) {
        this.id = id;
    }

    /** The id as written in the docs, traces and tokens, e.g. {@code PTE-ALIAS}. */
    public String id() {
        return id;
    }

    /** The invariant with this id ({@code PTE-ALIAS}), if any. */
    public static Optional<InvariantId> byId(String id) {
        return Arrays.stream(values()).filter(i -> i.id.equals(id)).findFirst();
    }

    @Override
    public String toString() {
        return id;
    }
}
