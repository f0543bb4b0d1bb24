package org.vmapstress.stress.lincheck;

import java.util.Arrays;

/**
 * The sequential specification the allocator is checked against: what a kernel caller of
 * {@code vm_map_ram}, {@code vm_unmap_ram}, {@code vm_unmap_aliases} and Xen's pin can observe,
 * over state shared by every thread (docs/lincheck.md has the reasoning per operation).
 *
 * <p>The state is which slots (a caller's handles, used by every thread) hold a live mapping.
 * A map of an empty slot succeeds (the configuration is sized so that the vmalloc space is never
 * really exhausted); a touch of a live slot reaches its own page; an unmap empties the slot; a
 * pin of a slot's page (after Xen's {@code vm_unmap_aliases}) is refused exactly while the slot's
 * mapping, made by any thread, is live. Same method names and parameters as
 * {@link AllocatorLincheckTest}'s operations; equality and hash code over the state let Lincheck
 * merge equal states.
 */
public class AllocatorSpec {
    private final boolean[] live = new boolean[AllocatorLincheckTest.SLOTS];

    public String map(int slot, int size, int cpu) {
        if (live[slot]) {
            return AllocatorLincheckTest.BUSY;
        }
        live[slot] = true;
        return AllocatorLincheckTest.MAPPED;
    }

    public String touch(int slot, int cpu) {
        return live[slot] ? AllocatorLincheckTest.OWN_PAGE : AllocatorLincheckTest.NOT_MAPPED;
    }

    public String unmap(int slot, int cpu) {
        if (!live[slot]) {
            return AllocatorLincheckTest.NOT_MAPPED;
        }
        live[slot] = false;
        return AllocatorLincheckTest.UNMAPPED;
    }

    public String pin(int slot, int cpu) {
        return live[slot] ? AllocatorLincheckTest.REFUSED_WHILE_MAPPED : AllocatorLincheckTest.PINNED;
    }

    public String purge() {
        return AllocatorLincheckTest.PURGED;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AllocatorSpec s && Arrays.equals(live, s.live);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(live);
    }
}
