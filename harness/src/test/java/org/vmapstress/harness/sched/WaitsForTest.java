package org.vmapstress.harness.sched;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.vmapstress.model.InvariantId;

/** The waits-for graph: which waiting workers wait forever, and the holder chain that says why. */
class WaitsForTest {
    private static final Thread T0 = new Thread("t0");
    private static final Thread T1 = new Thread("t1");
    private static final Thread T2 = new Thread("t2");
    private static final List<Thread> WORKERS = List.of(T0, T1, T2);
    private static final Function<Thread, String> ENDED = holder -> "ended holding it";
    private static final Function<Thread, String> MAY_RELEASE = holder -> null;

    private static Optional<WaitsFor.Stall> stall(Function<Thread, String> neverReleases, WaitsFor.Wait... waits) {
        return new WaitsFor(WORKERS, Arrays.asList(waits), worker -> "T" + worker).stall(neverReleases);
    }

    @Test
    void workersWhoseHoldersWaitForEachOtherAreADeadlock() {
        WaitsFor.Stall stall = stall(MAY_RELEASE, new WaitsFor.Wait("vb@0.lock", T1), new WaitsFor.Wait("vbq[0].lock", T0), null)
                .orElseThrow();
        assertEquals(InvariantId.LOCK_ORDER, stall.invariant());
        assertEquals(List.of(0, 1), stall.stuck());
        assertEquals("T0 waits for vb@0.lock held by T1; T1 waits for vbq[0].lock held by T0: a cycle", stall.chain());
    }

    @Test
    void aChainEndingAtAHolderThatNeverReleasesIsAHangAndWhoWaitsBehindItToo() {
        WaitsFor.Stall stall = stall(ENDED, new WaitsFor.Wait("vbq[2].lock", T1), null, new WaitsFor.Wait("vb@0.lock", T0))
                .orElseThrow();
        assertEquals(InvariantId.HANG, stall.invariant());
        assertEquals(List.of(0, 2), stall.stuck());
        assertEquals("T0 waits for vbq[2].lock held by T1, which ended holding it; T2 waits for vb@0.lock held by T0", stall.chain());
    }

    @Test
    void aHolderThatIsNoWorkerIsNamedByItsThread() {
        Thread main = new Thread("harness-main");
        WaitsFor.Stall stall = stall(ENDED, new WaitsFor.Wait("zone.lock", main), null, null).orElseThrow();
        assertEquals("T0 waits for zone.lock held by harness-main (not a worker), which ended holding it", stall.chain());
    }

    @Test
    void aHolderThatMayStillReleaseOrAFreeLockIsNoStall() {
        assertTrue(stall(MAY_RELEASE, new WaitsFor.Wait("vbq[2].lock", T1), null, new WaitsFor.Wait("vb@0.lock", T0)).isEmpty(),
                "T1 runs on and may release vbq[2].lock");
        assertTrue(stall(ENDED, new WaitsFor.Wait("vb@0.lock", null), null, null).isEmpty(), "a lock nobody holds is taken next");
        assertTrue(stall(ENDED, null, null, null).isEmpty(), "nobody waits");
    }
}
