package org.vmapstress.model;

import java.util.Arrays;
import java.util.Optional;

/**
 * The invariants the harness checks, with the ids that appear in traces, tokens and reports.
 * The table with what breaks each one is in {@code ../shared/docs/vmap-model.md}; the model
 * adds {@link #USABLE_KEPT} and {@link #POSSIBLE_CPU}, which that table folds into the bugs' rows.
 */
public enum InvariantId {
    PTE_ALIAS("PTE-ALIAS", "a page being pinned or reused has no writable PTE anywhere"),
    UNMAP_CLEARS("UNMAP-CLEARS", "when vm_unmap_ram returns, its range has no PTEs"),
    TLB_REUSE("TLB-REUSE", "a VA range handed out again has no TLB entry on any CPU"),
    ALIASES_FLUSHED("ALIASES-FLUSHED", "after vm_unmap_aliases returns, no CPU caches a VA unmapped before the call"
            + " (a block a concurrent vb_free is retiring exempted)"),
    /** Checked only with {@link Bug#STRICT_ALIASES_FLUSHED} on ({@code --strict}). */
    ALIASES_FLUSHED_STRICT("ALIASES-FLUSHED-STRICT", "after vm_unmap_aliases returns, no CPU caches a VA unmapped before the"
            + " call, a VA of a block a concurrent vb_free was retiring included"),
    NO_OVERLAP("NO-OVERLAP", "live mappings never overlap; each live VA maps the pfn its caller gave"),
    BLOCK_ACCOUNTING("BLOCK-ACCOUNTING", "per block, free + dirty + live == BITS, and the dirty range covers every freed slot"
            + " a TLB may cache"),
    LAZY_COUNT("LAZY-COUNT", "at quiescence vmap_lazy_nr equals the pages on the lazy list; a purge never takes more than it"
            + " counts"),
    QUEUE_OWNER("QUEUE-OWNER", "a block is on at most one free list, that of vb->cpu, and is linked or unlinked under that"
            + " queue's lock"),
    PUBLISHED_INIT("PUBLISHED-INIT", "a block reachable from an index or a list is fully initialised"),
    BOUNDED_BLOCKS("BOUNDED-BLOCKS", "blocks are filled oldest first, and with nothing live a sync purge leaves no block"
            + " behind"),
    LOCK_ORDER("LOCK-ORDER", "model locks are taken in the written order, never twice, and no execution deadlocks"),
    /** A cycle of waiting workers is a deadlock, {@link #LOCK_ORDER}. */
    HANG("HANG", "no worker waits forever for a model lock: a lock is never left held by a task that ended (the task an"
            + " oops killed, or one that returned without releasing it)"),
    FLUSH_ONCE("FLUSH-ONCE", "a second vm_unmap_aliases with no frees in between flushes no page"),
    USABLE_KEPT("USABLE-KEPT", "a non-forced purge (vm_unmap_aliases) keeps every block that can still serve allocations"),
    POSSIBLE_CPU("POSSIBLE-CPU", "per-CPU data is only ever used for possible CPUs (impossible CPUs' data is never"
            + " initialised)"),
    /** Checked only with {@link Bug#DATA_RACES} on ({@code --races}). */
    DATA_RACE("DATA-RACE", "every two accesses to a shared field of the model, one a write, are ordered by happens-before"
            + " (a lock, a publication), and every plain access holds the lock its declaration names");

    private final String id;
    private final String rule;

    InvariantId(String id, String rule) {
        this.id = id;
        this.rule = rule;
    }

    /** What the invariant demands, as a clause: "when vm_unmap_ram returns, its range has no PTEs". */
    public String rule() {
        return rule;
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
