package org.vmapstress.model;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every step of the model where another thread's interleaving matters. The model calls
 * {@link ScheduleHook#point} with one of these before the step; the names appear in traces
 * and replay tokens, so a change in the sequence of points is how replay detects a stale token.
 */
public enum SchedulePoint {
    LOCK_ACQUIRE("lock:acquire", "took a lock", Subject.NONE),
    LOCK_RELEASE("lock:release", "released a lock", Subject.NONE),
    READ_CPU("raw_smp_processor_id", "read its CPU id (%d)", Subject.CPU),

    VB_ALLOC_READ_FREE_LIST("vb_alloc:read-free-list", "read CPU %d's free list of blocks", Subject.CPU),
    VB_ALLOC_LOCKLESS_FREE("vb_alloc:lockless-free-read", "read the free count of block %d without its lock", Subject.BLOCK),
    VB_ALLOC_TAKE_SLOTS("vb_alloc:take-slots", "took free slots of block %d", Subject.BLOCK),

    NEW_BLOCK_INIT("new_vmap_block:init", "initialised the new block at %d", Subject.BLOCK),
    NEW_BLOCK_SET_CPU("new_vmap_block:set-cpu", "set the new block's vb->cpu to %d", Subject.CPU),
    NEW_BLOCK_INDEX_INSERT("new_vmap_block:xa_insert", "published block %d in the block index (xa_insert)", Subject.BLOCK),
    NEW_BLOCK_LIST_ADD("new_vmap_block:list_add", "added block %d to its CPU's free list", Subject.BLOCK),

    VB_FREE_INDEX_LOAD("vb_free:xa_load", "looked up the block of VA page %d (xa_load)", Subject.VA_PAGE),
    VB_FREE_CLEAR_USED("vb_free:clear-used-map", "cleared the used bits from VA page %d", Subject.VA_PAGE),
    VB_FREE_MARK_DIRTY("vb_free:mark-dirty", "marked the slots from VA page %d dirty", Subject.VA_PAGE),
    FREE_BLOCK_INDEX_ERASE("free_vmap_block:xa_erase", "erased block %d from the block index (xa_erase)", Subject.BLOCK),

    FREE_LIST_UNLINK("free-list:list_del_rcu", "unlinked block %d from its free list (list_del_rcu)", Subject.BLOCK),
    FREE_LIST_WRITE("free-list:publish", "wrote the free list around block %d", Subject.BLOCK),

    PTE_SET("pte:set", "set the PTE of VA page %d", Subject.VA_PAGE),
    PTE_CLEAR("pte:clear", "cleared the PTE of VA page %d (vunmap_range_noflush)", Subject.VA_PAGE),
    TLB_FILL("tlb:fill", "cached VA page %d in its CPU's TLB", Subject.VA_PAGE),
    TLB_FLUSH("tlb:flush_tlb_kernel_range", "flushed the TLBs (flush_tlb_kernel_range from VA page %d)", Subject.VA_PAGE),

    VA_ALLOC("alloc_vmap_area", "allocated a vmap area of %d pages (alloc_vmap_area)", Subject.PAGES),
    VA_RELEASE("purge:return-area", "returned the area at %d to the free VA space", Subject.VA_PAGE),
    LAZY_COUNT_ADD("free_vmap_area_noflush:vmap_lazy_nr-add", "added %d pages to vmap_lazy_nr", Subject.PAGES),
    LAZY_LIST_ADD("free_vmap_area_noflush:lazy-list-add", "put the area at %d on the lazy list", Subject.VA_PAGE),
    LAZY_TAKE_LIST("purge:take-lazy-list", "took the whole lazy list to purge it", Subject.NONE),
    LAZY_COUNT_SUB("purge:vmap_lazy_nr-sub", "subtracted %d pages from vmap_lazy_nr", Subject.PAGES),

    ALIASES_VISIT_BLOCK("vm_unmap_aliases:visit-block", "visited block %d to flush its dirty range", Subject.BLOCK),
    FRAGMENT_PURGE_CHECK("purge_fragmented_block:check", "checked block %d for a fragmented-block purge", Subject.BLOCK),
    FRAGMENT_PURGE_LOCKLESS_READ("purge_fragmented_blocks:lockless-read", "read block %d's counts without its lock", Subject.BLOCK),

    PAGE_ALLOC("page:alloc", "allocated a page frame", Subject.NONE),
    PAGE_FREE("page:free", "freed pfn %d", Subject.PFN),
    PAGE_PIN("page:pin-as-page-table", "pinned pfn %d as a page-table page", Subject.PFN);

    /**
     * What a point's subject number names. The story of a free-running failure, which has no
     * footprints, links the recorded steps of two workers by it: steps on the same block (a VA
     * page or area belongs to the block-aligned window it lies in) or on the same page frame.
     */
    public enum Subject {
        /** Nothing, or nothing two steps could share (a lock point names its lock instead). */
        NONE,
        /** A CPU id. */
        CPU,
        /** A page count. */
        PAGES,
        /** The start of a block (a VA page number). */
        BLOCK,
        /** A VA page number (of a page, or of an area's start). */
        VA_PAGE,
        /** A page frame number. */
        PFN
    }

    private final String label;
    private final String doing;
    private final Subject subject;

    SchedulePoint(String label, String doing, Subject subject) {
        this.label = label;
        this.doing = doing;
        this.subject = subject;
    }

    /** What this point's subject number names. */
    public Subject subject() {
        return subject;
    }

    /**
     * What the step from this point does, in words, with its subject: "set the PTE of VA page 12".
     * A step is named by the point it starts from, and runs to its worker's next point.
     */
    public String doing(long subject) {
        return doing.replace("%d", Long.toString(subject));
    }

    /** The point with this label ({@code pte:set}), if any. */
    public static Optional<SchedulePoint> byLabel(String label) {
        return Arrays.stream(values()).filter(p -> p.label.equals(label)).findFirst();
    }

    /** The point's name in traces, e.g. {@code vb_free:mark-dirty}. */
    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}
