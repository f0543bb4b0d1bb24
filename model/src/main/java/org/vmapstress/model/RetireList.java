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
 * from the index) finds it here until its lazy purge can see the area. A listed block's dirty
 * range no longer changes: only its last {@code vb_free()} wrote it, before adding it.
 *
 * <p>Lock order: {@code vb->lock} -> {@code vmap_block_retire_lock} (in {@code vb_free()}); taken
 * alone by {@code free_vmap_block()} and, under {@code vmap_purge_lock}, by
 * {@code _vm_unmap_aliases()}.
 */
final class RetireList {
    private final ModelLock lock;
    /** The retiring blocks, guarded by {@link #lock}. */
    private final List<VmapBlock> blocks = new ArrayList<>();

    RetireList(ScheduleHook hook) {
        this.lock = new ModelLock(LockClass.RETIRE, "vmap_block_retire_lock", hook);
    }

    /** vb_free(): the block became fully dirty; {@code vb->lock} held. */
    void add(VmapBlock vb) {
        lock.lock();
        try {
            blocks.add(vb);
        } finally {
            lock.unlock();
        }
    }

    /** free_vmap_block(): the block's area is on the lazy list now. */
    void remove(VmapBlock vb) {
        lock.lock();
        try {
            blocks.remove(vb);
        } finally {
            lock.unlock();
        }
    }

    /** _vm_unmap_aliases(): widens {@code range} ({start, end}, VA pages) by every listed block's dirty range. */
    void widenByPending(long[] range) {
        lock.lock();
        try {
            for (VmapBlock vb : blocks) {
                if (vb.hasDirtyRange()) {
                    range[0] = Math.min(range[0], vb.start() + vb.dirtyMin);
                    range[1] = Math.max(range[1], vb.start() + vb.dirtyMax);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether no block is listed (true at quiescence: every retirement has finished). */
    boolean isEmpty() {
        lock.lock();
        try {
            return blocks.isEmpty();
        } finally {
            lock.unlock();
        }
    }
}
