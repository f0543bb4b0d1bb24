package org.vmapstress.model;

/** What a page frame is used for. */
public enum PageState {
    /** In the page allocator. */
    FREE,
    /** Given to a caller (mapped with vm_map_ram, or used as data). */
    OWNED,
    /** Pinned as a page-table page, as Xen pins them: never mapped writable while pinned. */
    PAGETABLE
}
