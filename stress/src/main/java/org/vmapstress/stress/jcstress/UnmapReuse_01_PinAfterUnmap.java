package org.vmapstress.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;
import org.vmapstress.model.Bug;
import org.vmapstress.model.VmapAllocator;

/*
 * The seed race (Linux 64141da5, "vmalloc: eagerly clear ptes on vunmap").
 *
 * Actor 1 owns a page mapped with vm_map_ram: it unmaps it and hands the page back by
 * publishing "freed". Actor 2 waits for nothing: if it sees "freed" it reuses the page as a
 * page table, and Xen's pin check refuses a page that any PTE still maps writable. Before the
 * fix vm_unmap_ram left the PTE for a later lazy purge, so a page handed back could not be
 * pinned: the oops / hang under Xen (NFS readdir).
 *
 * Run: java -jar stress/target/jcstress.jar -t UnmapReuse_01 -m quick
 *
 * Result (quick mode, 2 cores, Java 17, one run; docs/jcstress.md has the rest):
 *   Fixed:        [0, 0] not handed back yet, [1, 1] handed back and pinned     ACCEPTABLE only
 *   LazyPteClear: [0, 0] 399,971 (53 %)   ACCEPTABLE
 *                 [1, 2] 348,549 (47 %)   FORBIDDEN  handed back, but Xen refused the pin
 */
public class UnmapReuse_01_PinAfterUnmap {

    /** The shared state of both variants: a page mapped by the owner. */
    abstract static class Pages {
        final VmapAllocator model;
        final int pfn;
        final long va;
        volatile boolean freed;

        Pages(Bug bug) {
            model = Fixture.model(bug);
            pfn = model.pages().allocPage(Fixture.CPU0);
            va = Fixture.mapOnePage(model, Fixture.CPU0, pfn);
        }

        void unmapAndHandBack() {
            model.vmUnmapRam(Fixture.CPU0, va, 1);
            freed = true;
        }

        /** r1: 1 when the page was seen freed; r2: 1 pinned, 2 refused (0 when not tried). */
        void reuseAsPageTable(II_Result r) {
            if (!freed) {
                return;
            }
            r.r1 = 1;
            r.r2 = model.pages().pinAsPageTable(pfn).pinned() ? 1 : 2;
        }
    }

    @JCStressTest
    @State
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "the page was not handed back yet: nothing to pin")
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "handed back, then pinned as a page table")
    @Outcome(id = "1, 2", expect = FORBIDDEN, desc = "handed back, but Xen refused the pin: a stale writable PTE (the seed bug)")
    @Outcome(expect = FORBIDDEN, desc = "anything else")
    public static class Fixed extends Pages {
        public Fixed() {
            super(null);
        }

        @Actor
        public void owner() {
            unmapAndHandBack();
        }

        @Actor
        public void reuser(II_Result r) {
            reuseAsPageTable(r);
        }
    }

    @JCStressTest
    @State
    @Outcome(id = "0, 0", expect = ACCEPTABLE, desc = "the page was not handed back yet: nothing to pin")
    @Outcome(id = "1, 1", expect = ACCEPTABLE, desc = "handed back, then pinned as a page table")
    @Outcome(id = "1, 2", expect = FORBIDDEN, desc = "handed back, but Xen refused the pin: a stale writable PTE (the seed bug)")
    @Outcome(expect = FORBIDDEN, desc = "anything else")
    public static class LazyPteClear extends Pages {
        public LazyPteClear() {
            super(Bug.LAZY_PTE_CLEAR);
        }

        @Actor
        public void owner() {
            unmapAndHandBack();
        }

        @Actor
        public void reuser(II_Result r) {
            reuseAsPageTable(r);
        }
    }
}
