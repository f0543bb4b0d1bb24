package org.vmapstress.model;

/**
 * A {@code struct vmap_area}: a page range of the vmalloc space, either a whole block's area or
 * a large (> VMAP_MAX_ALLOC) mapping's own area. Immutable.
 */
public record VmapArea(long start, long pages, Kind kind) {
    public enum Kind { BLOCK, LARGE }

    public long end() {
        return start + pages;
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + "[" + start + "," + end() + ")";
    }
}
