package org.vmapstress.model;

import java.util.ArrayList;
import java.util.List;

/**
 * The retire list of the {@link Bug#RETIRE_LIST} patch: {@code vmap_block_retire_list} and its
 * spinlock, which the patch adds to mm/vmalloc.c. Off (never touched) without the patch.
 *
 * <p>Invariant: a block is on the list from the moment its last {@code vb_free()} made it fully
 * dirty (added under {@code vb->lock}) until its area is on the lazy list
 * ({@code free_vmap_block()} takes it off after {@code free_vmap_area_noflush()}). So a
 * {@code _vm_unmap_aliases()} that skips the block (fully dirty) or no longer finds it (erased
 * from the index) finds it here until its lazy purge can see the area. The list holds each
 * block's pending dirty range as it was when listed (only its last {@code vb_free()} wrote it),
 * never a pointer into its area.
 *
 * <p>Lock order: {@code vb->lock} -> {@code vmap_block_retire_lock} (in {@code vb_free()}); taken
 * alone by {@code free_vmap_block()} and, under {@code vmap_purge_lock}, by
 * {@code _vm_unmap_aliases()}.
 */
final class RetireList {
    /** A listed block and its pending range, copied when it was listed (VA pages, end exclusive). */
    private record Pending(VmapBlock block, long start, long end) {
    }

    private static final SharedField PENDING = SharedField.of(RetireList.class, "pending");

    private final ModelLock lock;
    private final ScheduleHook hook;
    /** The retiring blocks, guarded by {@link #lock}. */
    @Guarded(value = Guard.LOCK, lock = "lock")
    private final List<Pending> pending = new ArrayList<>();

    RetireList(ScheduleHook hook) {
        this.lock = new ModelLock(LockClass.RETIRE, "vmap_block_retire_lock", hook);
        this.hook = hook;
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
