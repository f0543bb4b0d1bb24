package org.vmapstress.model;

import java.util.BitSet;

/**
 * A {@code struct vmap_block}: one block-sized, block-aligned VA area carved into page slots
 * for small {@code vm_map_ram} requests. Slots are handed out sequentially from offset
 * {@code BITS - free}; a freed slot is never reused inside the block: the VA comes back only
 * when the whole block is freed and lazily purged.
 *
 * <p>Invariants (BLOCK-ACCOUNTING, checked at quiescence): {@code free + dirty + live == BITS}
 * where live is the number of set bits of {@code usedMap}; used slots lie below
 * {@code BITS - free}; the dirty range {@code [dirtyMin, dirtyMax)} (empty as
 * {@code BITS, 0}) covers every freed slot a TLB may still cache.
 *
 * <p>Locking: {@link #lock} guards every field below it. {@code free} and {@code dirty} are
 * also read without the lock (vb_alloc's and purge_fragmented_blocks' pre-checks, the
 * kernel's READ_ONCE), so they are volatile; every such read is re-checked under the lock.
 * {@code cpu} is written once, before publication in the fixed kernel (after it with the
 * publish-before-init bug), and read locklessly: volatile.
 */
final class VmapBlock {
    /** vb->cpu before new_vmap_block wrote it: what a reader sees when the block was published early. */
    static final int CPU_UNSET = -1;

    final ModelLock lock;
    final VmapArea area;
    final int bits;
    /** Instrumentation, not kernel state: when new_vmap_block started, in the allocator's event order. */
    final long createdAt;
    /** Instrumentation: when the block was linked on its free list (0 until then). */
    @Guarded(Guard.INSTRUMENTATION)
    volatile long linkedAt;

    @Guarded(value = Guard.LOCK, lock = "lock",
            lockless = "READ_ONCE pre-checks of vb_alloc and purge_fragmented_blocks, re-checked under the lock")
    volatile int free;
    @Guarded(value = Guard.LOCK, lock = "lock",
            lockless = "READ_ONCE pre-check of purge_fragmented_blocks, re-checked under the lock")
    volatile int dirty;
    @Guarded(value = Guard.LOCK, lock = "lock")
    int dirtyMin;
    @Guarded(value = Guard.LOCK, lock = "lock")
    int dirtyMax;
    @Guarded(value = Guard.LOCK, lock = "lock")
    final BitSet usedMap;
    @Guarded(value = Guard.PUBLISHED,
            lockless = "read without a lock once the block is found through the index or a free list")
    volatile int cpu = CPU_UNSET;

    /** new_vmap_block's initialisation of every field but {@code cpu}: the first {@code firstSlots} are used. */
    VmapBlock(VmapArea area, int firstSlots, long createdAt, ScheduleHook hook) {
        this.area = area;
        this.bits = (int) area.pages();
        this.createdAt = createdAt;
        this.lock = new ModelLock(LockClass.BLOCK, "vb@" + area.start() + ".lock", hook);
        this.usedMap = new BitSet(bits);
        this.usedMap.set(0, firstSlots);
        this.free = bits - firstSlots;
        this.dirty = 0;
        this.dirtyMin = bits;
        this.dirtyMax = 0;
    }

    long start() {
        return area.start();
    }

    /** Widens the not-yet-flushed range by {@code [offset, offset + slots)}; lock held. */
    void widenDirtyRange(int offset, int slots) {
        dirtyMin = Math.min(dirtyMin, offset);
        dirtyMax = Math.max(dirtyMax, offset + slots);
    }

    /** Marks the dirty range flushed ("prevent that this is flushed again"); lock held. */
    void resetDirtyRange() {
        dirtyMin = bits;
        dirtyMax = 0;
    }

    boolean hasDirtyRange() {
        return dirtyMax > 0;
    }

    /** The first VA page of the dirty range. */
    long dirtyStart() {
        return start() + dirtyMin;
    }

    /** The VA page after the dirty range. */
    long dirtyEnd() {
        return start() + dirtyMax;
    }

    /** Slots handed out since the block was created (live or freed). */
    int allocatedSlots() {
        return bits - free;
    }

    @Override
    public String toString() {
        return "vmap_block@" + area.start() + "{cpu=" + cpu + " free=" + free + " dirty=" + dirty + " dirty_range=["
                + dirtyMin + "," + dirtyMax + ") live=" + usedMap.cardinality() + "}";
    }
}
