package org.vmapstress.model;

/**
 * Every step of the model where another thread's interleaving matters. The model calls
 * {@link ScheduleHook#point} with one of these before the step; the names appear in traces
 * and replay tokens, so a change in the sequence of points is how replay detects a stale token.
 */
public enum SchedulePoint {
    LOCK_ACQUIRE("lock:acquire"),
    LOCK_RELEASE("lock:release"),
    READ_CPU("raw_smp_processor_id"),

    VB_ALLOC_READ_FREE_LIST("vb_alloc:read-free-list"),
    VB_ALLOC_LOCKLESS_FREE("vb_alloc:lockless-free-read"),
    VB_ALLOC_TAKE_SLOTS("vb_alloc:take-slots"),

    NEW_BLOCK_INIT("new_vmap_block:init"),
    NEW_BLOCK_SET_CPU("new_vmap_block:set-cpu"),
    NEW_BLOCK_INDEX_INSERT("new_vmap_block:xa_insert"),
    NEW_BLOCK_LIST_ADD("new_vmap_block:list_add"),

    VB_FREE_INDEX_LOAD("vb_free:xa_load"),
    VB_FREE_CLEAR_USED("vb_free:clear-used-map"),
    VB_FREE_MARK_DIRTY("vb_free:mark-dirty"),
    FREE_BLOCK_INDEX_ERASE("free_vmap_block:xa_erase"),

    FREE_LIST_UNLINK("free-list:list_del_rcu"),
    FREE_LIST_WRITE("free-list:publish"),

    PTE_SET("pte:set"),
    PTE_CLEAR("pte:clear"),
    TLB_FILL("tlb:fill"),
    TLB_FLUSH("tlb:flush_tlb_kernel_range"),

    VA_ALLOC("alloc_vmap_area"),
    VA_RELEASE("purge:return-area"),
    LAZY_COUNT_ADD("free_vmap_area_noflush:vmap_lazy_nr-add"),
    LAZY_LIST_ADD("free_vmap_area_noflush:lazy-list-add"),
    LAZY_TAKE_LIST("purge:take-lazy-list"),
    LAZY_COUNT_SUB("purge:vmap_lazy_nr-sub"),

    ALIASES_VISIT_BLOCK("vm_unmap_aliases:visit-block"),
    FRAGMENT_PURGE_CHECK("purge_fragmented_block:check"),
    FRAGMENT_PURGE_LOCKLESS_READ("purge_fragmented_blocks:lockless-read"),

    PAGE_ALLOC("page:alloc"),
    PAGE_FREE("page:free"),
    PAGE_PIN("page:pin-as-page-table");

    private final String label;

    SchedulePoint(String label) {
        this.label = label;
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
