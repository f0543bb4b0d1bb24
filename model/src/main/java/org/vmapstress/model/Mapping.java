package org.vmapstress.model;

import java.util.Arrays;

/** A live {@code vm_map_ram} mapping as its caller sees it: the VA returned and the pfns given. */
public record Mapping(long va, @Guarded(Guard.IMMUTABLE) int[] pfns) {
    public Mapping {
        pfns = pfns.clone();
    }

    public int pages() {
        return pfns.length;
    }

    public long end() {
        return va + pfns.length;
    }

    @Override
    public int[] pfns() {
        return pfns.clone();
    }

    public int pfnAt(int page) {
        return pfns[page];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mapping m && va == m.va && Arrays.equals(pfns, m.pfns);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(va) * 31 + Arrays.hashCode(pfns);
    }

    @Override
    public String toString() {
        return "[" + va + "," + end() + ")->" + Arrays.toString(pfns);
    }
}
