package org.vmapstress.model;

/**
 * How many operations that free VA (vm_unmap_ram, the synchronous purge) had started and
 * finished at one moment. Two readings with the same {@code entered}, the first with nothing
 * in flight, prove that no free ran in between.
 */
public record FreeActivity(long entered, long exited) {
    public boolean nothingInFlight() {
        return entered == exited;
    }

    /** True when no free was in flight at this reading and none started until {@code later}. */
    public boolean quietUntil(FreeActivity later) {
        return nothingInFlight() && later.entered == entered;
    }
}
