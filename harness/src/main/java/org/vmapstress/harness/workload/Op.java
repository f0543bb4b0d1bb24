package org.vmapstress.harness.workload;

/**
 * One operation of a worker. {@code arg} is the page count of a MAP, the CPU index of a
 * MIGRATE, and for TOUCH and UNMAP a number that picks one of the worker's live mappings
 * (and page) when the operation runs; the other kinds ignore it.
 */
public record Op(Kind kind, int arg) {
    public enum Kind {
        /** vm_map_ram of {@code arg} pages, most recently unmapped pages first. */
        MAP,
        /** A load/store on a page of a live mapping, through this CPU's TLB. */
        TOUCH,
        /** vm_unmap_ram of a live mapping; its pages stay the worker's, for reuse. */
        UNMAP,
        /** Reuse an unmapped page as data: it must have no writable alias. */
        REUSE_DATA,
        /** Reuse an unmapped page as a pinned page table (Xen's pin). */
        REUSE_PAGETABLE,
        /** Move the worker to another possible CPU. */
        MIGRATE,
        /** vm_unmap_aliases. */
        ALIASES,
        /** purge_vmap_area_lazy (the synchronous purge). */
        PURGE
    }

    public static Op of(Kind kind, int arg) {
        return new Op(kind, arg);
    }

    public static Op of(Kind kind) {
        return new Op(kind, 0);
    }

    /** As in traces: {@code map 3p}, {@code unmap}, {@code aliases}. */
    public String label() {
        String name = kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        return kind == Kind.MAP ? name + " " + arg + "p" : kind == Kind.MIGRATE ? name + " " + arg : name;
    }
}
