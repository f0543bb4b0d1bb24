package org.vmapstress.model;

import java.util.Arrays;
import java.util.List;

/**
 * One CPU's {@code vbq->free} list: an RCU list of blocks that still have never-allocated
 * space. Readers walk a published snapshot without any lock ({@code list_for_each_entry_rcu});
 * writers copy, modify and publish, and must hold the owning queue's lock.
 *
 * <p>The copy and the publication are two steps with a schedule point between them, as a
 * list update is not atomic in the kernel either: two writers under different locks lose one
 * update. That is how the wrong-vbq-lock bug corrupts the list; the QUEUE-OWNER check makes
 * the wrong lock visible even when no update is lost, as lockdep_assert_held would.
 */
final class FreeList {
    private static final VmapBlock[] EMPTY = new VmapBlock[0];
    private static final SharedField BLOCKS = SharedField.of(FreeList.class, "blocks");

    private final int cpu;
    private final ModelLock guard;
    private final ScheduleHook hook;
    @Guarded(value = Guard.RCU, lock = "guard", lockless = "list_for_each_entry_rcu: readers walk a published snapshot")
    private volatile VmapBlock[] blocks = EMPTY;

    FreeList(int cpu, ModelLock guard, ScheduleHook hook) {
        this.cpu = cpu;
        this.guard = guard;
        this.hook = hook;
    }

    /** The CPU whose queue this list is. */
    int cpu() {
        return cpu;
    }

    /** rcu_dereference of the list: a snapshot to walk without locks. */
    VmapBlock[] readRcu() {
        hook.point(SchedulePoint.VB_ALLOC_READ_FREE_LIST, cpu);
        hook.access(this, BLOCKS, Access.READ_ONCE);
        VmapBlock[] snapshot = blocks;
        for (VmapBlock block : snapshot) {
            hook.consumed(this, block);
        }
        return snapshot;
    }

    /** The snapshot, with no schedule point: for checks only. */
    List<VmapBlock> peek() {
        return List.of(blocks);
    }

    /**
     * list_add_tail_rcu (or list_add_rcu, the head, when {@code atHead}); queue lock held. What
     * the caller wrote to the block before is published with it: a reader that reaches the block
     * through {@link #readRcu} is ordered after it.
     */
    void add(VmapBlock block, boolean atHead) {
        requireGuardHeld("link", block);
        hook.published(this, block);
        hook.access(this, BLOCKS, Access.READ);
        VmapBlock[] old = blocks;
        VmapBlock[] updated = new VmapBlock[old.length + 1];
        System.arraycopy(old, 0, updated, atHead ? 1 : 0, old.length);
        updated[atHead ? 0 : old.length] = block;
        publish(updated, block);
    }

    /** list_del_rcu; queue lock held. Unlinking a block that is not on the list is list corruption. */
    void remove(VmapBlock block) {
        requireGuardHeld("unlink", block);
        hook.point(SchedulePoint.FREE_LIST_UNLINK, block.start());
        hook.access(this, BLOCKS, Access.READ);
        VmapBlock[] old = blocks;
        int index = Arrays.asList(old).indexOf(block);
        if (index < 0) {
            throw new ModelAssertion(InvariantId.QUEUE_OWNER, "list_del_rcu of " + block + " which is not on vbq["
                    + cpu + "]'s free list: the list was corrupted by a lost update");
        }
        VmapBlock[] updated = new VmapBlock[old.length - 1];
        System.arraycopy(old, 0, updated, 0, index);
        System.arraycopy(old, index + 1, updated, index, old.length - index - 1);
        publish(updated, block);
    }

    private void publish(VmapBlock[] updated, VmapBlock block) {
        hook.point(SchedulePoint.FREE_LIST_WRITE, block.start());
        hook.access(this, BLOCKS, Access.WRITE);
        blocks = updated;
    }

    private void requireGuardHeld(String what, VmapBlock block) {
        if (!guard.isHeldByCurrentThread()) {
            throw new ModelAssertion(InvariantId.QUEUE_OWNER, "tried to " + what + " " + block + " on vbq[" + cpu
                    + "]'s free list without holding " + guard.name() + " (holding: " + LockDep.heldByCurrentThread() + ")");
        }
    }
}
