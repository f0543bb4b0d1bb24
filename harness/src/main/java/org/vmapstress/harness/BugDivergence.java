package org.vmapstress.harness;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.vmapstress.harness.exec.ExecutionResult;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.harness.sched.ControlledScheduler;
import org.vmapstress.harness.sched.DporPolicy.Event;
import org.vmapstress.harness.sched.Footprint;
import org.vmapstress.harness.sched.Footprint.Touch;
import org.vmapstress.harness.sched.Step;
import org.vmapstress.model.Resource;
import org.vmapstress.reports.Verdict;
import org.vmapstress.reports.record.RunRecord;

/**
 * What the switched-on bug changed in a failing execution: the execution is run once more on the
 * fixed model (its faults switched off, its patches and checks kept), following the same picks,
 * and the two are compared step by step: which worker ran, the point it ran from and the point
 * it reached, and what it read and wrote (locks are compared by their points). The first step
 * where they differ is where the bug's code ran (the violating step itself, which then "raised"
 * the violation, when that is where it ran); the fixed run must be clean, confirmed by a replay of its token as {@code replay}
 * runs it. This is the contrast a failure with no ordering to isolate gets (its cause is the
 * kernel's code before the fix, not an interleaving), and a race's page gets it beside its pair.
 *
 * <p>A model without faults (the fixed model under a stricter check) has nothing to compare.
 */
public final class BugDivergence {
    /** How many touches a difference names before it says how many more there are. */
    private static final int MOST_TOUCHES = 3;

    /**
     * Where the buggy run departs from the fixed one: at step {@code buggy} (the point it started
     * from) of the explained execution, event {@code event}, with the bug {@code withBug}
     * happened, without it {@code withoutBug} ("went on to clear the PTE of VA page 0"); before it,
     * at {@code alsoRan}, the bug's code ran with only what a step read differing (the two went
     * on alike: wrong-vbq-lock's walk reading no vb->cpu where this CPU's queue was the right one); the
     * fixed run ({@code passing} replays it) is clean ({@code failing} replays the buggy one). When none was found, {@code buggy} is null
     * and {@code why} says why.
     */
    public record Divergence(int event, Step buggy, String withBug, String withoutBug, List<Step> alsoRan, Token failing, Token passing,
                             String why) {
        static Divergence none(ExecutionResult explained, String why, Token passing) {
            return new Divergence(-1, null, null, null, List.of(), Token.of(explained), passing, why);
        }

        public boolean found() {
            return buggy != null;
        }

        /** This divergence as a run record writes it. */
        public RunRecord.Divergence toRecord() {
            return new RunRecord.Divergence(found() ? buggy.toRecord() : null, withBug, withoutBug,
                    alsoRan.stream().map(Step::index).filter(i -> i >= 0).toList(), failing.replayLine(),
                    passing == null ? null : passing.replayLine(), why);
        }
    }

    private BugDivergence() {
    }

    /** The divergence of {@code explained} (recorded as {@code events}, run from {@code picks}); null when its model has no fault. */
    static Divergence of(ExecutionSpec failing, byte[] picks, ExecutionResult explained, List<Event> events, FailureIsolation recorder)
            throws InterruptedException {
        if (failing.bugs().faults().isEmpty()) {
            return null;
        }
        ExecutionSpec fixedSpec = failing.withBugs(failing.bugs().patchesAndChecks());
        FailureIsolation.Recorded fixed = recorder.record(fixedSpec, picks);
        if (fixed.result().verdict() != Verdict.CLEAN) {
            return Divergence.none(explained, "without " + failing.bugs().faults() + " the same schedule does not run clean either ("
                    + fixed.result().verdict().name().toLowerCase() + (fixed.result().failureId() == null ? "" : ", "
                    + fixed.result().failureId()) + ")", null);
        }
        ExecutionResult replayed = recorder.replay(fixedSpec.withSched(fixed.sched()));
        if (replayed.verdict() != Verdict.CLEAN) {
            return Divergence.none(explained, "the fixed model's run did not replay clean (" + replayed.verdict().name().toLowerCase() + ")", null);
        }
        List<Integer> readOnly = new ArrayList<>();
        for (int k = 0; k < events.size(); k++) {
            if (k >= fixed.events().size()) {
                return found(k, explained, events.get(k), "ran on", "had ended", replayed, readOnly, events);
            }
            Event bug = events.get(k);
            Event without = fixed.events().get(k);
            String withBug = difference(explained, bug, fixed.result(), without, true);
            if (withBug == null) {
                continue;
            }
            boolean last = k == events.size() - 1;
            if (!last && difference(explained, bug, fixed.result(), without, false) == null) {
                readOnly.add(k);
                continue;
            }
            return found(k, explained, bug, last ? "raised the violation" : withBug,
                    difference(fixed.result(), without, explained, bug, true), replayed, readOnly, events);
        }
        if (!readOnly.isEmpty()) {
            int k = readOnly.remove(readOnly.size() - 1);
            return found(k, explained, events.get(k), difference(explained, events.get(k), fixed.result(), fixed.events().get(k), true),
                    difference(fixed.result(), fixed.events().get(k), explained, events.get(k), true), replayed, readOnly, events);
        }
        return Divergence.none(explained, sameSteps(explained), Token.of(replayed));
    }

    /** Why no step differs: the bug changed a value, or (a failure found at the end) what the end's unstepped tear-down did. */
    private static String sameSteps(ExecutionResult explained) {
        String same = "the fixed model, on the same schedule, runs clean and ran the same steps, touching the same things, ";
        return explained.violationStep() >= explained.trace().size()
                ? same + "to its workers' end: the bug changed a value a step wrote, or what the tear-down and synchronous purge at"
                        + " the end do (they are not steps; the check that broke ran after them)"
                : same + "up to the violation: the bug changed a value a step wrote, not which steps ran or what they touched";
    }

    /**
     * The divergence at event {@code k}; {@code readOnly}: the events before it where only what
     * the step read differed (the bug's code ran there too, and the two runs went on alike).
     */
    private static Divergence found(int k, ExecutionResult explained, Event event, String withBug, String withoutBug,
                                    ExecutionResult replayed, List<Integer> readOnly, List<Event> events) {
        List<Step> alsoRan = readOnly.stream().map(e -> CausalSlice.stepOf(explained, events.get(e))).toList();
        return new Divergence(k, CausalSlice.stepOf(explained, event), withBug, withoutBug, alsoRan, Token.of(explained),
                Token.of(replayed), null);
    }

    /**
     * How step {@code a} of run {@code ra} differs from step {@code b} of run {@code rb}, told
     * from {@code a}'s side ("went on to mark the slots dirty", "wrote the PTE of VA page 0"); null
     * when they are the same step ({@code reads}: what they read counts too).
     */
    private static String difference(ExecutionResult ra, Event a, ExecutionResult rb, Event b, boolean reads) {
        if (a.worker() != b.worker()) {
            return "T" + a.worker() + " ran (" + FailureStory.doing(CausalSlice.stepOf(ra, a), null) + ")";
        }
        List<String> parts = new ArrayList<>();
        Step fromA = CausalSlice.stepOf(ra, a);
        Step fromB = CausalSlice.stepOf(rb, b);
        if (!samePoint(fromA, fromB)) {
            parts.add("ran from " + named(fromA));
        }
        Step reachedA = FailureIsolation.pointReached(ra, a);
        Step reachedB = FailureIsolation.pointReached(rb, b);
        if (!samePoint(reachedA, reachedB)) {
            parts.add(reachedA.index() < 0 ? "ended its operations" : "went on to " + named(reachedA));
        }
        String touched = touchedOnly(a.footprint(), b.footprint(), reads);
        if (touched != null) {
            parts.add(touched);
        }
        return parts.isEmpty() ? null : String.join(", and ", parts);
    }

    /** A point and what its step does: "pte:clear 0 (cleared the PTE of VA page 0)"; a lock point by itself: "acquire vb@0.lock". */
    private static String named(Step point) {
        if (point.point().startsWith(ControlledScheduler.ACQUIRE) || point.point().startsWith(ControlledScheduler.RELEASE)) {
            return point.point();
        }
        return point.point() + " " + point.subject() + " (" + FailureStory.doing(point, null) + ")";
    }

    private static boolean samePoint(Step a, Step b) {
        return a.point().equals(b.point()) && a.subject() == b.subject() && Objects.equals(a.operation(), b.operation());
    }

    /**
     * What {@code a} wrote and {@code b} did not, and the other way round ("wrote the PTE of VA
     * page 0", "did not write the PTE of VA page 0"); failing that, with {@code reads}, what each
     * read; null when they touched the same.
     */
    private static String touchedOnly(Footprint a, Footprint b, boolean reads) {
        if (a.everything() || b.everything()) {
            return a.everything() == b.everything() ? null : a.everything() ? "declared no footprint" : "touched nothing declared";
        }
        String written = contrast("wrote ", union(a.writes(), a.adds()), union(b.writes(), b.adds()));
        return written != null || !reads ? written : contrast("read ", a.reads(), b.reads());
    }

    /** "wrote X", "did not write Y", or both joined; null when {@code a} and {@code b} hold the same touches. */
    private static String contrast(String verb, Set<Touch> a, Set<Touch> b) {
        List<String> parts = new ArrayList<>();
        List<String> more = only(a, b);
        if (!more.isEmpty()) {
            parts.add(verb + String.join(", ", more));
        }
        List<String> fewer = only(b, a);
        if (!fewer.isEmpty()) {
            parts.add("did not " + (verb.equals("wrote ") ? "write " : "read ") + String.join(", ", fewer));
        }
        return parts.isEmpty() ? null : String.join(" and ", parts);
    }

    private static Set<Touch> union(Set<Touch> a, Set<Touch> b) {
        Set<Touch> all = new HashSet<>(a);
        all.addAll(b);
        return all;
    }

    /**
     * The touches of {@code a} not in {@code b}, in words, sorted, at most {@value #MOST_TOUCHES}
     * and how many more; locks left out (a lock taken or released is a point of its own, compared
     * as such).
     */
    private static List<String> only(Set<Touch> a, Set<Touch> b) {
        List<String> named = a.stream().filter(t -> t.resource() != Resource.LOCK && !b.contains(t)).map(CausalSlice::describe).sorted()
                .toList();
        if (named.size() <= MOST_TOUCHES) {
            return named;
        }
        List<String> shown = new ArrayList<>(named.subList(0, MOST_TOUCHES));
        shown.add("and " + (named.size() - MOST_TOUCHES) + " more");
        return shown;
    }
}
