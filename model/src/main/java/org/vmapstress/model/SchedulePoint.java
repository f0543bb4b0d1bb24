package org.vmapstress.model;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every step of the model where another thread's interleaving matters. The model calls
 * {@link ScheduleHook#point} with one of these before the step; the names appear in traces
 * and replay tokens, so a change in the sequence of points is how replay detects a stale token.
 */
public enum SchedulePoint {
    LOCK_ACQUIRE("lock:acquire", "took a lock"),
    LOCK_RELEASE("lock:release", "released a lock"),
    READ_CPU("raw_smp_processor_id", "read its CPU id (%d)"),

    VB_ALLOC_READ_FREE_LIST("vb_alloc:read-free-list", "read CPU %d's free list of blocks"),
    VB_ALLOC_LOCKLESS_FREE("vb_alloc:lockless-free-read", "read the free count of block %d without its lock"),
    VB_ALLOC_TAKE_SLOTS("vb_alloc:take-slots", "took free slots of block %d"),

    NEW_BLOCK_INIT("new_vmap_block:init", "initialised the new block at %d"),
    NEW_BLOCK_SET_CPU("new_vmap_block:set-cpu", "set the new block's vb->cpu to %d"),
    NEW_BLOCK_INDEX_INSERT("new_vmap_block:xa_insert", "published block %d in the block index (xa_insert)"),
    NEW_BLOCK_LIST_ADD("new_vmap_block:list_add", "added block %d to its CPU's free list"),

    VB_FREE_INDEX_LOAD("vb_free:xa_load", "looked up the block of VA page %d (xa_load)"),
    VB_FREE_CLEAR_USED("vb_free:clear-used-map", "cleared the used bits from VA page %d"),
    VB_FREE_MARK_DIRTY("vb_free:mark-dirty", "marked the slots from VA page %d dirty"),
    FREE_BLOCK_INDEX_ERASE("free_vmap_block:xa_erase", "erased block %d from the block index (xa_erase)"),

    FREE_LIST_UNLINK("free-list:list_del_rcu", "unlinked block %d from its free list (list_del_rcu)"),
    FREE_LIST_WRITE("free-list:publish", "wrote the free list around block %d"),

    PTE_SET("pte:set", "set the PTE of VA page %d"),
    PTE_CLEAR("pte:clear", "cleared the PTE of VA page %d"),
    TLB_FILL("tlb:fill", "cached VA page %d in its CPU's TLB"),
    TLB_FLUSH("tlb:flush_tlb_kernel_range", "flushed the TLBs (flush_tlb_kernel_range from VA page %d)"),

    VA_ALLOC("alloc_vmap_area", "allocated a vmap area of %d pages (alloc_vmap_area)"),
    VA_RELEASE("purge:return-area", "returned the area at %d to the free VA space"),
    LAZY_COUNT_ADD("free_vmap_area_noflush:vmap_lazy_nr-add", "added %d pages to vmap_lazy_nr"),
    LAZY_LIST_ADD("free_vmap_area_noflush:lazy-list-add", "put the area at %d on the lazy list"),
    LAZY_TAKE_LIST("purge:take-lazy-list", "took the whole lazy list to purge it"),
    LAZY_COUNT_SUB("purge:vmap_lazy_nr-sub", "subtracted %d pages from vmap_lazy_nr"),

    ALIASES_VISIT_BLOCK("vm_unmap_aliases:visit-block", "visited block %d to flush its dirty range"),
    FRAGMENT_PURGE_CHECK("purge_fragmented_block:check", "checked block %d for a fragmented-block purge"),
    FRAGMENT_PURGE_LOCKLESS_READ("purge_fragmented_blocks:lockless-read", "read block %d's counts without its lock"),

    PAGE_ALLOC("page:alloc", "allocated a page frame"),
    PAGE_FREE("page:free", "freed pfn %d"),
    PAGE_PIN("page:pin-as-page-table", "pinned pfn %d as a page-table page");

    private final String label;
    private final String doing;

    SchedulePoint(String label, String doing) {
        this.label = label;
        this.doing = doing;
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
