package org.vmapstress.model;

import java.util.ArrayList;
import java.util.List;

/**
 * A list of vmap blocks being retired, with the pending dirty range each had when listed: the
 * list both retire-list patches add to mm/vmalloc.c. {@link Bug#RETIRE_LIST} has one,
 * {@code vmap_block_retire_list}, guarded by a new global spinlock {@code vmap_block_retire_lock}
 * ({@link #global}). {@link Bug#VBQ_RETIRE_LIST} gives every {@code struct vmap_block_queue} one,
 * {@code vbq->retiring}, guarded by that queue's existing {@code vbq->lock} ({@link #ofQueue}),
 * and lists a block on {@code per_cpu(vmap_block_queue, vb->cpu)}, the queue
 * {@code purge_fragmented_block()} locks for it. The list is the same in both; only its lock
 * and where it sits differ. Off (never touched) without its patch.
 *
 * <p>Invariant: a block is on its list from the moment its last {@code vb_free()} made it fully
 * dirty (added under {@code vb->lock}) until its area is on the lazy list
 * ({@code free_vmap_block()} takes it off after {@code free_vmap_area_noflush()}, before
 * {@code kfree_rcu()}). The list holds each block's pending dirty range as it was when listed
 * (only its last {@code vb_free()} wrote it), never a pointer into its area.
 *
 * <p>Lock order: {@code vb->lock} -> the list's lock (in {@code vb_free()}); taken alone by
 * {@code free_vmap_block()} and, under {@code vmap_purge_lock}, by {@code _vm_unmap_aliases()}.
 * For the global list that is a new leaf ({@link LockClass#RETIRE}); for a queue's list it is
 * {@code vbq->lock} ({@link LockClass#QUEUE}), which the kernel already takes under
 * {@code vb->lock} (vb_alloc's unlink of a full block, purge_fragmented_block): no new lock,
 * no new order.
 *
 * <p>Why {@code _vm_unmap_aliases()} (T) no longer misses the older frees of a block B that a
 * {@code vb_free()} (A) is retiring: T reads B's list under its lock after its whole index walk
 * (every queue's xarray), each list once (the global one, or every possible CPU's queue's).
 * <ul>
 *   <li>If T meets B fully dirty under {@code vb->lock}, A listed B before it released that
 *       lock, so T's later section under the list's lock sees B listed, or already unlisted, in
 *       which case A's lazy insert came before the unlisting and T's purge sees B's area.</li>
 *   <li>If T does not find B because A erased it, T's xarray read came after the erase, which
 *       comes after A's listing in program order: the same case.</li>
 *   <li>If T meets B not yet fully dirty, T takes its pending range itself, as without a
 *       patch.</li>
 * </ul>
 * Per queue the order matters: B sits on the list of {@code vb->cpu} but in the xarray its
 * address hashes to, usually another CPU's. Were each list read inside the per-CPU loop, right
 * after that CPU's xarray, T could read {@code vb->cpu}'s list before A lists B and only then, in
 * a later CPU's xarray, meet B fully dirty or miss it erased: T misses B (the model found that
 * 1,121 executions into {@code InTransitPatchTest}). So the lists are read in a second loop over
 * the possible CPUs, after the first. The walk reads only the copied range:
 * once the area is on the lazy list a purge before T took {@code vmap_purge_lock} may have
 * freed it while B is still listed. B itself stays valid while listed. A range seen both listed
 * and on the lazy list is flushed twice, harmlessly.
 */
final class RetireList {
    /** A listed block and its pending range, copied when it was listed (VA pages, end exclusive). */
    private record Pending(VmapBlock block, long start, long end) {
    }

    private static final SharedField PENDING = SharedField.of(RetireList.class, "pending");
    /** {@link #cpu()} of the global list, which belongs to no queue. */
    static final int GLOBAL = -1;

    private final int cpu;
    private final ModelLock lock;
    private final ScheduleHook hook;
    /** The retiring blocks, guarded by {@link #lock}. */
    @Guarded(value = Guard.LOCK, lock = "lock")
    private final List<Pending> pending = new ArrayList<>();

    private RetireList(int cpu, ModelLock lock, ScheduleHook hook) {
        this.cpu = cpu;
        this.lock = lock;
        this.hook = hook;
    }

    /** The retire-list patch's {@code vmap_block_retire_list}, with its own spinlock. */
    static RetireList global(ScheduleHook hook) {
        return new RetireList(GLOBAL, new ModelLock(LockClass.RETIRE, "vmap_block_retire_lock", hook), hook);
    }

    /** The vbq-retire-list patch's {@code vbq->retiring} of CPU {@code cpu}'s queue, guarded by {@code vbqLock}. */
    static RetireList ofQueue(int cpu, ModelLock vbqLock, ScheduleHook hook) {
        return new RetireList(cpu, vbqLock, hook);
    }

    /** The CPU whose queue holds this list, or {@link #GLOBAL}. */
    int cpu() {
        return cpu;
    }

    /**
     * vb_free(): the block became fully dirty; {@code vb->lock} held. Its pending range is copied
     * now: once its area is on the lazy list a purge may free the area (the kernel's
     * {@code vb->va}) while the block is still listed, so the walk must not read it.
     */
    void add(VmapBlock vb) {
        Pending entry = new Pending(vb, vb.dirtyStart(), vb.dirtyEnd());
        lock.lock();
        try {
            hook.access(this, PENDING, Access.WRITE);
            pending.add(entry);
        } finally {
            lock.unlock();
        }
    }

    /** The end of free_vmap_block() for a listed block: its area is on the lazy list now. */
    void remove(VmapBlock vb) {
        lock.lock();
        try {
            hook.access(this, PENDING, Access.WRITE);
            pending.removeIf(entry -> entry.block() == vb);
        } finally {
            lock.unlock();
        }
    }

    /** _vm_unmap_aliases(): widens {@code range} ({start, end}, VA pages) by every listed block's pending range. */
    void widenByPending(long[] range) {
        lock.lock();
        try {
            hook.access(this, PENDING, Access.READ);
            for (Pending entry : pending) {
                if (entry.end() > entry.start()) {
                    range[0] = Math.min(range[0], entry.start());
                    range[1] = Math.max(range[1], entry.end());
                }
            }
        } finally {
            lock.unlock();
        }
    }
}
