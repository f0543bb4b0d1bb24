package org.vmapstress.model;

import java.util.concurrent.ConcurrentSkipListMap;

/**
 * One CPU's {@code struct vmap_block_queue}: its lock, its free list, and its part of the
 * address-hashed block index (the kernel's per-CPU xarray {@code vmap_blocks}).
 *
 * <p>A block's free-list entry lives in the queue of the CPU that created it ({@code vb->cpu});
 * its index entry lives in the queue its address hashes to ({@link VmapBlockQueues#indexFor}).
 * The two are usually different queues.
 *
 * <p>Locking: {@link #lock} guards the free list's writers. The index is a concurrent sorted
 * map standing in for the xarray, whose own internal lock is a leaf; it is walked in index
 * order under RCU ({@code xa_for_each}), which the map's weakly consistent iterator models.
 */
final class VmapBlockQueue {
    final int cpu;
    final ModelLock lock;
    final FreeList freeList;
    /** addr_to_vb_idx(va) -> block. */
    @Guarded(Guard.ATOMIC)
    final ConcurrentSkipListMap<Long, VmapBlock> index = new ConcurrentSkipListMap<>();

    VmapBlockQueue(int cpu, ScheduleHook hook) {
        this.cpu = cpu;
        this.lock = new ModelLock(LockClass.QUEUE, "vbq[" + cpu + "].lock", hook);
        this.freeList = new FreeList(cpu, lock, hook);
    }
}
