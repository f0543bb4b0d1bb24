package org.vmapstress.stress.lincheck;

import java.util.HashMap;
import java.util.Map;

/**
 * The sequential specification the allocator is checked against: each thread owns two slots;
 * a slot is empty, mapped, or holds the page of a mapping it unmapped. A map of an empty slot
 * always succeeds, a touch of a mapped slot always reaches its own page, an unmap always
 * leaves no PTE, a pin of an unmapped page is always accepted, and vm_unmap_aliases always
 * leaves no stale TLB entry for what was unmapped before it. Same method names and parameters
 * as {@link AllocatorLincheckTest}'s operations.
 */
public class AllocatorSpec {
    private enum Slot { EMPTY, MAPPED, UNMAPPED }

    private final Map<Integer, Slot> slots = new HashMap<>();

    private Slot slot(int tid, int slot) {
        return slots.getOrDefault(tid * 2 + slot, Slot.EMPTY);
    }

    private void set(int tid, int slot, Slot state) {
        slots.put(tid * 2 + slot, state);
    }

    public boolean map(int tid, int slot, int cpu) {
        if (slot(tid, slot) == Slot.MAPPED) {
            return false;
        }
        set(tid, slot, Slot.MAPPED);
        return true;
    }

    public String touch(int tid, int slot, int cpu) {
        return slot(tid, slot) == Slot.MAPPED ? "own-page" : "no-mapping";
    }

    public String unmap(int tid, int slot, int cpu) {
        if (slot(tid, slot) != Slot.MAPPED) {
            return "no-mapping";
        }
        set(tid, slot, Slot.UNMAPPED);
        return "cleared";
    }

    public String pinAsPageTable(int tid, int slot) {
        if (slot(tid, slot) != Slot.UNMAPPED) {
            return "no-page";
        }
        set(tid, slot, Slot.EMPTY);
        return "pinned";
    }

    public boolean unmapAliases(int cpu) {
        return true;
    }

    public void purge() {
    }
}
