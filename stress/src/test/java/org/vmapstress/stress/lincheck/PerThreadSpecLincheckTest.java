package org.vmapstress.stress.lincheck;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

/**
 * The specification is shared: an implementation that keeps every thread's slots to itself (the
 * old, per-thread design, under which no result depended on another thread) is linearizable per
 * thread, and must be rejected as a whole. For example a pin that succeeds while another
 * thread's mapping of the slot is live, or a map of a slot another thread already filled.
 */
@Param(name = "slot", gen = IntGen.class, conf = "0:2")
@Param(name = "size", gen = IntGen.class, conf = "0:3")
@Param(name = "cpu", gen = IntGen.class, conf = "0:1")
public class PerThreadSpecLincheckTest {
    private final Map<Thread, AllocatorSpec> perThread = new ConcurrentHashMap<>();

    private AllocatorSpec mine() {
        return perThread.computeIfAbsent(Thread.currentThread(), t -> new AllocatorSpec());
    }

    @Operation
    public String map(@Param(name = "slot") int slot, @Param(name = "size") int size, @Param(name = "cpu") int cpu) {
        return mine().map(slot, size, cpu);
    }

    @Operation
    public String touch(@Param(name = "slot") int slot, @Param(name = "cpu") int cpu) {
        return mine().touch(slot, cpu);
    }

    @Operation
    public String unmap(@Param(name = "slot") int slot, @Param(name = "cpu") int cpu) {
        return mine().unmap(slot, cpu);
    }

    @Operation
    public String pin(@Param(name = "slot") int slot, @Param(name = "cpu") int cpu) {
        return mine().pin(slot, cpu);
    }

    @Operation
    public String purge() {
        return mine().purge();
    }

    @Test
    void aPerThreadSpecificationIsRejectedByTheSharedOne() {
        LincheckAssertionError error = assertThrows(LincheckAssertionError.class,
                () -> AllocatorLincheckTest.stress().minimizeFailedScenario(false).check(getClass()));
        assertTrue(error.getMessage().contains("Invalid execution results"), error.getMessage());
    }
}
