package org.vmapstress.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.vmapstress.model.Bug;
import org.vmapstress.model.CpuContext;
import org.vmapstress.model.ModelAssertion;
import org.vmapstress.model.SchedulePoint;
import org.vmapstress.model.VmapAllocator;

/*
 * The lazy counter against a concurrent purge (Linux 88f50044, "vmalloc: remove BUG_ON due to
 * racy counting of VM_LAZY_FREE").
 *
 * Actor 1 unmaps a large (65-page) area, which goes on the lazy list; actor 2 runs the
 * synchronous purge. In 2010 the area was made visible to the purge before vmap_lazy_nr
 * counted it, and the purge asserted BUG_ON(nr > vmap_lazy_nr). The fixed kernel counts
 * first and never asserts.
 *
 * Widened (Fixture.model): both actors pause 500 us, the unmapper at the count
 * (inside the window with the bug, before the link without it), the purger before it takes
 * the lazy list, so the purge lands in the window whenever the unmapper reaches the link
 * within the pause; without the pauses the window is a few instructions wide (4 forbidden in
 * 702,440 samples in quick mode).
 *
 * Run: stress/jcstress-check sanity LazyCount_04
 *
 * Result (sanity mode, 2 cores, Java 17, one run, 2026-12-02):
 *   Fixed:         [1, 0] only                                       ACCEPTABLE
 *   RacyLazyCount: [1, 0] 126 of 144                                 ACCEPTABLE
 *                  [1, 1] 18 of 144 (12.5 %)  purge took uncounted pages   FORBIDDEN
 */
public class LazyCount_04_PurgeBetweenLinkAndCount {

    abstract static class LargeArea {
        final VmapAllocator model;
        final long va;

        LargeArea(Bug bug) {
            model = Fixture.model(bug, SchedulePoint.LAZY_COUNT_ADD, SchedulePoint.LAZY_TAKE_LIST);
            va = model.vmMapRam(new CpuContext(0), new int[65]);
        }

        void unmap(II_Result r) {
            model.vmUnmapRam(new CpuContext(0), va, 65);
            r.r1 = 1;
        }

        void purge(II_Result r) {
            try {
                model.purgeVmapAreaLazy();
            } catch (ModelAssertion assertion) {
                r.r2 = 1;
            }
        }
    }

    @JCStressTest
    @State
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "unmapped; the purge took only counted pages")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "the purge took lazy pages vmap_lazy_nr did not count yet: BUG_ON")
    @Outcome(expect = FORBIDDEN, desc = "anything else")
    public static class Fixed extends LargeArea {
        public Fixed() {
            super(null);
        }

        @Actor
        public void unmapper(II_Result r) {
            unmap(r);
        }

        @Actor
        public void purger(II_Result r) {
            purge(r);
        }
    }

    @JCStressTest
    @State
    @Outcome(id = "1, 0", expect = ACCEPTABLE, desc = "unmapped; the purge took only counted pages")
    @Outcome(id = "1, 1", expect = FORBIDDEN, desc = "the purge took lazy pages vmap_lazy_nr did not count yet: BUG_ON")
    @Outcome(expect = FORBIDDEN, desc = "anything else")
    public static class RacyLazyCount extends LargeArea {
        public RacyLazyCount() {
            super(Bug.RACY_LAZY_COUNT);
        }

        @Actor
        public void unmapper(II_Result r) {
            unmap(r);
        }

        @Actor
        public void purger(II_Result r) {
            purge(r);
        }
    }
}
