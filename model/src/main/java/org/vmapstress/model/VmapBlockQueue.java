package org.vmapstress.model;

import java.util.concurrent.ConcurrentSkipListMap;

/**
 * One CPU's {@code struct vmap_block_queue}: its lock, its free list, its part of the
 * address-hashed block index (the kernel's per-CPU xarray {@code vmap_blocks}), and, with the
 * vbq-retire-list patch, its list of retiring blocks ({@code vbq->retiring}).
 *
 * <p>A block's free-list entry lives in the queue of the CPU that created it ({@code vb->cpu});
 * its index entry lives in the queue its address hashes to ({@link VmapBlockQueues#indexFor}).
 * The two are usually different queues.
 *
 * <p>A block's retiring entry (vbq-retire-list) lives in the queue of {@code vb->cpu}, like its
 * free-list entry.
 *
 * <p>Locking: {@link #lock} guards the free list's writers and the retiring list. The index is
 * a concurrent sorted map standing in for the xarray, whose own internal lock is a leaf; it is
 * walked in index order under RCU ({@code xa_for_each}), which the map's weakly consistent
 * iterator models.
 */
final class VmapBlockQueue {
    final int cpu;
    final ModelLock lock;
    final FreeList freeList;
    /** vbq->retiring of the vbq-retire-list patch: blocks of this CPU being retired (unused without it). */
    final RetireList retiring;
    /** addr_to_vb_idx(va) -> block. */
    @Guarded(Guard.ATOMIC)
    final ConcurrentSkipListMap<Long, VmapBlock> index = new ConcurrentSkipListMap<>();

    VmapBlockQueue(int cpu, ScheduleHook hook) {
        this.cpu = cpu;
        this.lock = new ModelLock(LockClass.QUEUE, "vbq[" + cpu + "].lock", hook);
        this.freeList = new FreeList(cpu, lock, hook);
        this.retiring = RetireList.ofQueue(cpu, lock, hook);
    }
}
