package org.vmapstress.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.vmapstress.harness.exec.ExecutionResult;
import org.vmapstress.harness.exec.ExecutionSpec;
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
 * it reached, and what it wrote and read (locks are compared by their points). The first step
 * where they differ is where the bug's code ran; the fixed run must be clean, confirmed by a
 * replay of its token as {@code replay} runs it. This is the contrast a failure with no ordering
 * to isolate gets (its cause is the kernel's code before the fix, not an interleaving), and a
 * race's page gets it beside its pair.
 *
 * <p>Two kinds of difference do not count as where the bug's code made the failure: a step that
 * differs only in what it read leaves the two runs alike (same points, same writes), so it is
 * passed over and listed (the latest of them is named when nothing else differs); and the
 * violating step, when a check after its operation found the violation (the buggy worker
 * stopped there while the fixed one went on into its next operation), counts only by what the
 * buggy step touched that the fixed one did not. A violating step that a model assertion cut
 * short inside its operation differs by that: with the bug it "raised the violation", without
 * it the step ran on.
 *
 * <p>A model without faults (the fixed model under a stricter check) has nothing to compare.
 */
public final class BugDivergence {
    /** How many touches a difference names before it says how many more there are. */
    private static final int MOST_TOUCHES = 3;

    /**
     * Where the buggy run departs from the fixed one: at {@code step} (the point it started from;
     * index -1 for a worker's first step) of the explained execution, its event {@code event},
     * with the bug {@code withBug} happened, without it {@code withoutBug} ("went on to pte:clear
     * 0 (…)"). Before it, at {@code alsoRan}, the bug's code ran with only what a step read
     * differing. The fixed run is clean ({@code passing} replays it; {@code failing} replays the
     * buggy one). When none was found, {@code step} is null and {@code why} says why.
     */
    public record Divergence(int event, Step step, String withBug, String withoutBug, List<Step> alsoRan, Token failing,
                             Token passing, String why) {
        public static Divergence none(ExecutionResult explained, String why, Token passing) {
            return new Divergence(-1, null, null, null, List.of(), Token.of(explained), passing, why);
        }

        public boolean found() {
            return step != null;
        }

        /** This divergence as a run record writes it. */
        public RunRecord.Divergence toRecord() {
            return new RunRecord.Divergence(found() ? step.toRecord() : null, withBug, withoutBug,
                    alsoRan.stream().map(Step::index).filter(i -> i >= 0).toList(), failing.replayLine(),
                    passing == null ? null : passing.replayLine(), why);
        }
    }

    /** What two steps are compared on. */
    private enum Compare {
        /** Worker, points, and what each wrote and read. */
        EVERYTHING,
        /** Worker, points, and what each wrote: equal, the steps differ at most in what they read. */
        WRITES,
        /**
         * The violating step when a check after its operation (or at the end) found the violation:
         * worker, the point it started from, and what the buggy step touched that the fixed one
         * did not (the fixed step went on into the next operation).
         */
        VIOLATING
    }

    private BugDivergence() {
    }

    /** The divergence of {@code explained} (recorded as {@code events}, run from {@code picks}); null when its model has no fault. */
    static Divergence of(ExecutionSpec failing, byte[] picks, ExecutionResult explained, List<Event> events,
                         FailureIsolation recorder) throws InterruptedException {
        if (failing.bugs().faults().isEmpty()) {
            return null;
        }
        if (recorder.outOfTime()) {
            return Divergence.none(explained, "not tried: no time left", null);
        }
        ExecutionSpec fixedSpec = failing.withBugs(failing.bugs().patchesAndChecks());
        FailureIsolation.Recorded fixed = recorder.record(fixedSpec, picks);
        if (fixed.result().verdict() != Verdict.CLEAN) {
            return Divergence.none(explained, unclean("the same schedule without " + failing.bugs().faults(), fixed.result()), null);
        }
        ExecutionResult replayed = recorder.replay(fixedSpec.withSched(fixed.sched()));
        if (replayed.verdict() != Verdict.CLEAN) {
            return Divergence.none(explained, unclean("the fixed model's replay", replayed), null);
        }
        return compared(explained, events, fixed, replayed);
    }

    /** Why a fixed run gives no contrast: it failed too, or could not be judged (out of the isolation's time, crashed). */
    private static String unclean(String run, ExecutionResult result) {
        return result.verdict() == Verdict.VIOLATION
                ? run + " does not run clean either (" + result.failureId() + ")"
                : run + " could not be judged (" + result.end().kind().name().toLowerCase() + ", within the isolation's budget)";
    }

    /** The first step where the two runs differ in more than what a step read, else the latest that differs in that. */
    private static Divergence compared(ExecutionResult explained, List<Event> events, FailureIsolation.Recorded fixed,
                                       ExecutionResult replayed) {
        List<Integer> readOnly = new ArrayList<>();
        int violating = events.size() - 1;
        for (int k = 0; k < events.size(); k++) {
            if (k >= fixed.events().size()) {
                return found(k, explained, events, "ran on", "had ended", replayed, readOnly);
            }
            Event bug = events.get(k);
            Event without = fixed.events().get(k);
            if (k == violating) {
                if (explained.raisedInside() || difference(explained, bug, fixed.result(), without, Compare.VIOLATING) != null) {
                    return found(k, explained, events, "raised the violation",
                            difference(fixed.result(), without, explained, bug, Compare.EVERYTHING), replayed, readOnly);
                }
            } else if (difference(explained, bug, fixed.result(), without, Compare.WRITES) != null) {
                return found(k, explained, events, difference(explained, bug, fixed.result(), without, Compare.EVERYTHING),
                        difference(fixed.result(), without, explained, bug, Compare.EVERYTHING), replayed, readOnly);
            } else if (difference(explained, bug, fixed.result(), without, Compare.EVERYTHING) != null) {
                readOnly.add(k);
            }
        }
        if (!readOnly.isEmpty()) {
            int k = readOnly.remove(readOnly.size() - 1);
            return found(k, explained, events, difference(explained, events.get(k), fixed.result(), fixed.events().get(k),
                    Compare.EVERYTHING), difference(fixed.result(), fixed.events().get(k), explained, events.get(k), Compare.EVERYTHING),
                    replayed, readOnly);
        }
        return Divergence.none(explained, sameSteps(fixed.events().size() > events.size()), Token.of(replayed));
    }

    /**
     * Why no step differs: the bug changed a value a step wrote; or, a failure found by the checks
     * at the end (the buggy run ran all its steps: {@code cutShort} false), what the end's
     * tear-down and synchronous purge did, which are not steps.
     */
    private static String sameSteps(boolean cutShort) {
        String same = "the fixed model, on the same schedule, runs clean and ran the same steps, touching the same things, ";
        return cutShort
                ? same + "up to the violation: the bug changed a value a step wrote, not which steps ran or what they touched"
                : same + "to its workers' end: the bug changed a value a step wrote, or what the tear-down and synchronous purge at"
                        + " the end do (they are not steps; the check that broke ran after them)";
    }

    /** The divergence at event {@code k}, with the events before it that differed only in what they read ({@code readOnly}). */
    private static Divergence found(int k, ExecutionResult explained, List<Event> events, String withBug, String withoutBug,
                                    ExecutionResult replayed, List<Integer> readOnly) {
        List<Step> alsoRan = readOnly.stream().map(e -> CausalSlice.stepOf(explained, events.get(e))).toList();
        return new Divergence(k, CausalSlice.stepOf(explained, events.get(k)), withBug, withoutBug, alsoRan, Token.of(explained),
                Token.of(replayed), null);
    }

    /**
     * How step {@code a} of run {@code ra} differs from step {@code b} of run {@code rb} in what
     * {@code compare} looks at, told from {@code a}'s side ("went on to pte:clear 0 (…)", "wrote
     * the PTE of VA page 0", "did not read VmapBlock.cpu of block 0"); null when they do not.
     */
    private static String difference(ExecutionResult ra, Event a, ExecutionResult rb, Event b, Compare compare) {
        if (a.worker() != b.worker()) {
            return "kept its turn (the other model ran T" + b.worker() + " here)";
        }
        List<String> parts = new ArrayList<>();
        Step fromA = CausalSlice.stepOf(ra, a);
        if (!samePoint(fromA, CausalSlice.stepOf(rb, b))) {
            parts.add("ran from " + named(fromA));
        }
        Step reachedA = FailureIsolation.pointReached(ra, a);
        if (compare != Compare.VIOLATING && !samePoint(reachedA, FailureIsolation.pointReached(rb, b))) {
            parts.add(reachedA.index() < 0 ? "ended its operations" : "went on to " + named(reachedA));
        }
        String touched = touchedOnly(a.footprint(), b.footprint(), compare);
        if (touched != null) {
            parts.add(touched);
        }
        return parts.isEmpty() ? null : String.join(", and ", parts);
    }

    /** A point and what its step does: "pte:clear 0 (cleared the PTE of VA page 0 …)"; a lock point by itself: "acquire vb@0.lock". */
    private static String named(Step point) {
        return FailureStory.lockPoint(point) ? point.point() : point.point() + " " + point.subject() + " ("
                + FailureStory.doing(point, null) + ")";
    }

    private static boolean samePoint(Step a, Step b) {
        return a.point().equals(b.point()) && a.subject() == b.subject() && Objects.equals(a.operation(), b.operation());
    }

    /**
     * What {@code a} wrote and {@code b} did not, and the other way round ("wrote the PTE of VA
     * page 0", "did not write the PTE of VA page 0"); failing that, unless {@code compare} looks
     * at writes only, what each read; for the violating step only what {@code a} touched that
     * {@code b} did not. Null when nothing so differs.
     */
    private static String touchedOnly(Footprint a, Footprint b, Compare compare) {
        if (a.everything() || b.everything()) {
            return a.everything() == b.everything() ? null : a.everything() ? "declared no footprint" : "touched nothing declared";
        }
        boolean bothWays = compare != Compare.VIOLATING;
        String written = contrast("wrote ", "did not write ", a.written(), b.written(), bothWays);
        if (written != null || compare == Compare.WRITES) {
            return written;
        }
        return contrast("read ", "did not read ", a.reads(), bothWays ? b.reads() : b.touched(), bothWays);
    }

    /** "wrote X", and with {@code bothWays} "did not write Y", joined; null when nothing so differs. */
    private static String contrast(String verb, String notVerb, Set<Touch> a, Set<Touch> b, boolean bothWays) {
        List<String> parts = new ArrayList<>();
        List<String> more = only(a, b);
        if (!more.isEmpty()) {
            parts.add(verb + String.join(", ", more));
        }
        List<String> fewer = bothWays ? only(b, a) : List.of();
        if (!fewer.isEmpty()) {
            parts.add(notVerb + String.join(", ", fewer));
        }
        return parts.isEmpty() ? null : String.join(" and ", parts);
    }

    /**
     * The touches of {@code a} not in {@code b}, in words, sorted, at most {@value #MOST_TOUCHES}
     * and how many more; locks left out (a lock taken or released is a point of its own, compared
     * as such).
     */
    private static List<String> only(Set<Touch> a, Set<Touch> b) {
        List<String> named = a.stream().filter(t -> t.resource() != Resource.LOCK && !b.contains(t)).map(CausalSlice::describe)
                .sorted().toList();
        if (named.size() <= MOST_TOUCHES) {
            return named;
        }
        List<String> shown = new ArrayList<>(named.subList(0, MOST_TOUCHES));
        shown.add("and " + (named.size() - MOST_TOUCHES) + " more");
        return shown;
    }
}
