package org.vmapstress.model;

/**
 * What keeps the accesses to one shared field of the model free of data races, as
 * mm/vmalloc.c's comments say it for the kernel's fields ("vb->lock protects free, dirty,
 * dirty_min, dirty_max"). Declared on the field with {@link Guarded}; every shared mutable
 * field has one (a unit test checks it).
 */
public enum Guard {
    /** Read and written only under the model lock named by {@link Guarded#lock} (lockless reads, if any, are declared). */
    LOCK,
    /** A Java atomic (or a structure of them): each access is atomic and ordered on its own. */
    ATOMIC,
    /** Written only before the object is published (xa_insert, list_add_rcu), read only after it was found through the publication. */
    PUBLISHED,
    /** An RCU pointer: readers take a snapshot without a lock; writers copy, then publish under the lock {@link Guarded#lock} names. */
    RCU,
    /** Guarded by its own Java monitor (a structure whose methods are synchronized, or that the model syncs on). */
    MONITOR,
    /** Touched only by the thread that owns the object (a task's own CPU context, the harness's thread before the workers start). */
    OWNER,
    /** A value: never written after its constructor returned (a snapshot, a configuration, a report). */
    IMMUTABLE,
    /** Instrumentation for the checks, not kernel state: stamps the model writes and the checks read; no decision of the model reads them. */
    INSTRUMENTATION
}
