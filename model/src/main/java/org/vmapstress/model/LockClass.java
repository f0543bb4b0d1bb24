package org.vmapstress.model;

/**
 * The model's locks and the kernel's lock order, written once: a thread may only take a lock
 * whose rank is strictly greater than the rank of every lock it holds. So the order is
 * {@code vmap_purge_lock -> vmap_block.lock -> vmap_block_queue.lock -> leaves}, no lock
 * nests inside another of its own class, and the leaves (the VA-space lock, the lazy-list
 * lock, a CPU's hot page list lock, and the retire-list patch's {@code vmap_block_retire_lock},
 * taken under a block lock or under vmap_purge_lock) never nest in each other, except the page
 * allocator's zone lock, which nests in a hot page list's lock (a refill or a drain). {@link LockDep} checks it at run time.
 */
public enum LockClass {
    /** vmap_purge_lock (a mutex): serialises lazy purges and vm_unmap_aliases. */
    PURGE(1, true),
    /** vmap_block.lock: free, dirty, dirty_min/dirty_max, used_map of one block. */
    BLOCK(2, false),
    /** vmap_block_queue.lock: one CPU's free list (and, with the vbq-retire-list patch, its retiring list, {@link RetireList}). */
    QUEUE(3, false),
    /** vmap_area_lock: the VA space's free extents and busy areas. */
    VMAP_AREA(4, false),
    /** The lazy list's lock (the kernel's vn->lazy.lock). */
    LAZY(4, false),
    /** pcp->lock: one CPU's hot page list ({@link PerCpuPages}); the zone lock nests inside it. */
    PER_CPU_PAGES(4, false),
    /** The page allocator's zone lock, guarding the zone's free list: taken alone or under a pcp lock. */
    PAGE_ALLOC(5, false),
    /** vmap_block_retire_lock of the retire-list patch ({@link RetireList}): taken under vb->lock. */
    RETIRE(4, false);

    private final int rank;
    private final boolean sleeps;

    LockClass(int rank, boolean sleeps) {
        this.rank = rank;
        this.sleeps = sleeps;
    }

    /**
     * Whether the kernel's lock is a sleeping lock (a mutex), held with preemption on; the
     * others are spinlocks, which disable preemption, so a task holding one is never migrated.
     */
    public boolean sleeps() {
        return sleeps;
    }

    public int rank() {
        return rank;
    }

    /** Whether a thread holding a lock of {@code held} may take a lock of this class. */
    public boolean mayNestInside(LockClass held) {
        return rank > held.rank;
    }
}
