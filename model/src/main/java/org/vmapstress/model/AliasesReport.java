package org.vmapstress.model;

import java.util.List;

/**
 * What one {@code vm_unmap_aliases} call did (the kernel returns nothing; the model reports
 * what its tracepoints would): the pages it flushed from every TLB, and the fragmented blocks
 * it purged.
 */
public record AliasesReport(long pagesFlushed, @Guarded(Guard.IMMUTABLE) List<PurgedBlock> purged) {
    public AliasesReport {
        purged = List.copyOf(purged);
    }
}
