package org.vmapstress.model;

/**
 * What a step of the model touches that no {@link SharedField} names: a kernel page-table entry,
 * the writable mappings of a frame, a CPU's TLB, the block index, the counters. The model reports
 * each touch where it happens ({@link ScheduleHook#touch}), with the instance it touches as a
 * number that is the same in every execution of one workload (a VA page, a pfn, a CPU, a lock's
 * name), so that the steps of two executions compare.
 *
 * <p>With the {@link SharedField} accesses and the locks a step takes, releases or waits for,
 * these are the step's footprint: what the partial-order reduction of an exhaustive search
 * calls independent is two steps of different workers whose footprints share nothing that one
 * of them writes (docs/exhaustive.md).
 */
public enum Resource {
    /** A model lock, by its name's hash: taken, released, or tried and found held. */
    LOCK,
    /** The PTE of one VA page (set_pte, pte_clear; read by a TLB fill and the checks). */
    PTE,
    /** How many writable PTEs map one pfn (the reverse map a pin consults). */
    FRAME_MAPPINGS,
    /** The state of one page frame (free, owned, page table), by pfn. */
    FRAME_STATE,
    /** One CPU's TLB. */
    TLB,
    /** The flush counters (flush_tlb_kernel_range calls and pages flushed): only added to by a flush. */
    TLB_FLUSHES(true),
    /** One slot of a queue's block index (xa_load, xa_insert, xa_erase), by queue and index. */
    INDEX_SLOT,
    /** A queue's whole block index, walked by vm_unmap_aliases and changed by every insert and erase. */
    INDEX,
    /** vmap_lazy_nr. */
    LAZY_NR,
    /** The request to drain the lazy list, set when vmap_lazy_nr passed lazy_max_pages(). */
    DRAIN_REQUEST,
    /** The model's event counter (block creation and linking order, for the checks). */
    BLOCK_EVENTS,
    /** The unmap history's clock. */
    HISTORY_CLOCK,
    /** The unmap history of one VA page. */
    HISTORY_PAGE,
    /** The counts of frees entered and left (the checks' measure of free activity): only added to by a free. */
    FREE_COUNTS(true),
    /** Everything: the footprint of a step that declared none, which conflicts with every step. */
    EVERYTHING;

    private final boolean additive;

    Resource() {
        this(false);
    }

    Resource(boolean additive) {
        this.additive = additive;
    }

    /**
     * Whether every write of this resource is an addition that reads nothing back (a counter's
     * increment): two such writes commute, so they do not conflict with each other; they do with
     * a read of it.
     */
    public boolean additive() {
        return additive;
    }

    /** The id of a lock in a footprint: its name's hash, the same in every execution. */
    public static long idOf(ModelLock lock) {
        return lock.name().hashCode();
    }
}
