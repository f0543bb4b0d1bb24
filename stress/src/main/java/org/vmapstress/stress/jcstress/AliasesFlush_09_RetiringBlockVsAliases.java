package org.vmapstress.stress.jcstress;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.I_Result;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;
import org.vmapstress.model.SchedulePoint;
import org.vmapstress.model.VmapAllocator;

/*
 * vm_unmap_aliases against the vb_free that retires a block: the in-transit window of the
 * modelled 6.11 kernel (docs/findings/vm-unmap-aliases-window.md), judged by the strict check.
 *
 * A block is filled by two 64-page maps; the first is touched on CPU 0 (its TLB caches it) and
 * unmapped before the actors start. Actor 1 unmaps the second: the block becomes fully dirty,
 * leaves the index, and its area goes onto the lazy list. Actor 2 calls vm_unmap_aliases, after
 * which no TLB may cache the first map's VA (ALIASES-FLUSHED-STRICT). The window is widened in
 * every variant alike: actor 1 pauses before the lazy-list insert (after the erase), actor 2
 * before it visits a block. The variants differ only in the proposed patch applied: none
 * (StrictAliasesFlushed) and walk-fully-dirty leave the window open and must be caught; the
 * two patches that close it (FlushOnRetireFixed, RetireListFixed) must pass.
 *
 * Each variant repeats its two one-line actors: jcstress takes a test's @Actor methods only from
 * the test class itself ("@JCStressTest defines no @Result" when they are inherited).
 *
 * Run: stress/jcstress-check sanity AliasesFlush_09
 *
 * Result (sanity mode, 2 cores, Java 17, one run, 41 s):
 *   StrictAliasesFlushed: [1] 49, [2] 23 of 72   the window, unpatched    FORBIDDEN seen
 *   WalkFullyDirty:       [1] 68, [2]  4 of 72   patch (a) leaves it open FORBIDDEN seen
 *   FlushOnRetireFixed:   [1] 72 of 72           patch (b) closes it      clean
 *   RetireListFixed:      [1] 72 of 72           patch (c) closes it      clean
 */
public class AliasesFlush_09_RetiringBlockVsAliases {
    /** r1 of a sample: the call left nothing stale. */
    static final int FLUSHED = 1;
    /** r1 of a sample: a TLB still caches a VA unmapped before the call. */
    static final int STALE = 2;

    abstract static class RetiringBlock {
        final VmapAllocator model;
        final long first;
        final long second;
        final long unmappedBy;

        RetiringBlock(Bug patch) {
            BugSet switches = BugSet.of(Bug.STRICT_ALIASES_FLUSHED);
            model = Fixture.model(patch == null ? switches : switches.plus(BugSet.of(patch)),
                    SchedulePoint.LAZY_LIST_ADD, SchedulePoint.ALIASES_VISIT_BLOCK);
            first = model.vmMapRam(Fixture.CPU0, new int[64]);
            second = model.vmMapRam(Fixture.CPU0, new int[64]);
            model.touch(Fixture.CPU0, first);
            model.vmUnmapRam(Fixture.CPU0, first, 64);
            unmappedBy = model.unmapTime();
        }

        void retire() {
            model.vmUnmapRam(Fixture.CPU0, second, 64);
        }

        void aliases(I_Result r) {
            model.vmUnmapAliases(Fixture.CPU1);
            r.r1 = model.invariants().aliasesFlushed(unmappedBy).isEmpty() ? FLUSHED : STALE;
        }
    }

    @JCStressTest
    @State
    @Outcome(id = "1", expect = ACCEPTABLE, desc = "vm_unmap_aliases left no alias of the earlier unmap")
    @Outcome(id = "2", expect = FORBIDDEN, desc = "a TLB still caches a VA unmapped before vm_unmap_aliases (the window)")
    @Outcome(expect = FORBIDDEN, desc = "anything else")
    public static class StrictAliasesFlushed extends RetiringBlock {
        public StrictAliasesFlushed() {
            super(null);
        }

        @Actor
        public void retirer() {
            retire();
        }

        @Actor
        public void flusher(I_Result r) {
            aliases(r);
        }
    }

    @JCStressTest
    @State
    @Outcome(id = "1", expect = ACCEPTABLE, desc = "vm_unmap_aliases left no alias of the earlier unmap")
    @Outcome(id = "2", expect = FORBIDDEN, desc = "a TLB still caches a VA unmapped before vm_unmap_aliases (the window)")
    @Outcome(expect = FORBIDDEN, desc = "anything else")
    public static class WalkFullyDirty extends RetiringBlock {
        public WalkFullyDirty() {
            super(Bug.WALK_FULLY_DIRTY);
        }

        @Actor
        public void retirer() {
            retire();
        }

        @Actor
        public void flusher(I_Result r) {
            aliases(r);
        }
    }

    @JCStressTest
    @State
    @Outcome(id = "1", expect = ACCEPTABLE, desc = "vm_unmap_aliases left no alias of the earlier unmap")
    @Outcome(id = "2", expect = FORBIDDEN, desc = "a TLB still caches a VA unmapped before vm_unmap_aliases (the window)")
    @Outcome(expect = FORBIDDEN, desc = "anything else")
    public static class FlushOnRetireFixed extends RetiringBlock {
        public FlushOnRetireFixed() {
            super(Bug.FLUSH_ON_RETIRE);
        }

        @Actor
        public void retirer() {
            retire();
        }

        @Actor
        public void flusher(I_Result r) {
            aliases(r);
        }
    }

    @JCStressTest
    @State
    @Outcome(id = "1", expect = ACCEPTABLE, desc = "vm_unmap_aliases left no alias of the earlier unmap")
    @Outcome(id = "2", expect = FORBIDDEN, desc = "a TLB still caches a VA unmapped before vm_unmap_aliases (the window)")
    @Outcome(expect = FORBIDDEN, desc = "anything else")
    public static class RetireListFixed extends RetiringBlock {
        public RetireListFixed() {
            super(Bug.RETIRE_LIST);
        }

        @Actor
        public void retirer() {
            retire();
        }

        @Actor
        public void flusher(I_Result r) {
            aliases(r);
        }
    }
}
