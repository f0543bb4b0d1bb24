package org.vmapstress.harness;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.vmapstress.harness.exec.ExecutionResult;
import org.vmapstress.harness.sched.ControlledScheduler;
import org.vmapstress.harness.sched.Step;
import org.vmapstress.model.InvariantId;
import org.vmapstress.model.SchedulePoint;
import org.vmapstress.reports.record.RunRecord.Sentence;

/**
 * The story of a failure in words, from its causal slice and the definition of the invariant it
 * broke: a first sentence that says what broke and what decided it (the isolated pair, or that
 * the failing worker's own program order did), then the slice's steps in the order they ran, each
 * saying which worker did what on which CPU, the last one the check that found the violation. At
 * most {@value #MOST} sentences; each names one step of the explained trace, the step a reader's
 * link goes to (a worker's first step, which starts from no point, is named by the point it
 * reached first).
 */
public final class FailureStory {
    /** The most sentences a story has. */
    static final int MOST = 8;
    private static final Set<CausalSlice.Role> ALWAYS_TOLD = Set.of(CausalSlice.Role.VIOLATION, CausalSlice.Role.PAIR_FIRST,
            CausalSlice.Role.PAIR_SECOND, CausalSlice.Role.DIVERGENCE);

    private final ExecutionResult explained;
    private final String invariant;
    private final BugDivergence.Divergence divergence;

    private FailureStory(ExecutionResult explained, BugDivergence.Divergence divergence) {
        this.explained = explained;
        this.invariant = explained.failureId();
        this.divergence = divergence == null || !divergence.found() ? null : divergence;
    }

    /**
     * The story of {@code explained} from its slice, with {@code pair} (null for none, {@code why}
     * then says why) and what the bug changed ({@code divergence}, null when nothing).
     */
    public static List<Sentence> of(ExecutionResult explained, List<CausalSlice.Entry> slice, FailureIsolation.Pair pair, String why,
                                    BugDivergence.Divergence divergence) {
        if (slice.isEmpty()) {
            return List.of();
        }
        FailureStory story = new FailureStory(explained, divergence);
        CausalSlice.Entry violation = slice.stream().filter(e -> e.role() == CausalSlice.Role.VIOLATION).findFirst()
                .orElse(slice.get(slice.size() - 1));
        boolean pending = pair != null && pair.second().index() >= 0 && slice.stream().noneMatch(e -> e.step().equals(pair.second()));
        List<Told> told = new ArrayList<>();
        for (CausalSlice.Entry entry : told(slice, violation, MOST - 1 - (pending ? 1 : 0))) {
            told.add(new Told(story.ranAt(entry.step()), entry == violation ? story.found(entry) : story.step(entry)));
        }
        if (pending) {
            told.add(new Told(pair.second().index(), story.pending(pair.second())));
        }
        told.sort(Comparator.comparingInt(Told::ranAt));
        List<Sentence> sentences = new ArrayList<>();
        sentences.add(story.headline(violation, pair, why));
        told.forEach(t -> sentences.add(t.sentence()));
        return sentences;
    }

    /** A sentence and when its step ran: the index of the point its worker reached next (the step ran just before it). */
    private record Told(int ranAt, Sentence sentence) {
    }

    /**
     * The slice steps the story tells ({@code most} at most), in slice order: the violation and
     * the pair, then what the violating step touched, then what the steps before it touched, the
     * latest first.
     */
    private static List<CausalSlice.Entry> told(List<CausalSlice.Entry> slice, CausalSlice.Entry violation, int most) {
        List<CausalSlice.Entry> told = new ArrayList<>(slice.stream().filter(e -> ALWAYS_TOLD.contains(e.role())).toList());
        List<CausalSlice.Entry> others = new ArrayList<>(slice.stream().filter(e -> !ALWAYS_TOLD.contains(e.role())).toList());
        Collections.reverse(others);
        others.sort(Comparator.comparing((CausalSlice.Entry e) -> !violation.step().equals(e.reader())));
        for (int i = 0; i < others.size() && told.size() < most; i++) {
            told.add(others.get(i));
        }
        told.sort(Comparator.comparingInt(slice::indexOf));
        return told;
    }

    /** What broke, where, and what decided it. */
    private Sentence headline(CausalSlice.Entry violation, FailureIsolation.Pair pair, String why) {
        Step at = violation.step();
        String broke = invariant + " broke at step " + at.index() + " (T" + at.thread() + ", in " + at.operation() + " on CPU "
                + at.cpu() + ")";
        if (pair != null) {
            return new Sentence(broke + " because " + stepNamed(pair.first()) + " ran before " + stepNamed(pair.second())
                    + "; with those two the other way round, the execution runs clean.", at.index());
        }
        if (why != null && why.startsWith("none to isolate")) {
            return new Sentence(broke + " in T" + at.thread() + "'s own operations, in program order: no step of another worker"
                    + " touched what its steps touched, so no interleaving is needed" + bugRan(at) + ".", at.index());
        }
        return new Sentence(broke + "; no single pair of steps whose order decides it was isolated (" + why + ")" + bugRan(at) + ".",
                at.index());
    }

    /**
     * "; the bug's code ran in T0's step 22 (…), where the fixed model … went on to …": where the
     * steps first differ (the violating step {@code violating} itself, maybe), or nothing.
     */
    private String bugRan(Step violating) {
        if (divergence == null) {
            return "";
        }
        Step step = divergence.step();
        String named = step.equals(violating) ? "the violating step itself, T" + step.thread() + "'s step " + step.index() + " ("
                + doing(step, null) + ")" : stepNamed(step);
        return "; the bug's code ran in " + named + ", where the fixed model, on the same schedule, " + divergence.withoutBug()
                + " instead and runs clean";
    }

    /**
     * "T0's step 594 (set the new block's vb->cpu to 2)"; "T2's first step (the start of
     * aliases)"; for a step its worker was switched away before, where it ran to: "T0's step from
     * 438 (released lazy.lock) on to step 877 (acquire vmap_purge_lock, in aliases)"; for a step
     * that never ran, where its worker stopped: "T1's step 876 at acquire lazy.lock, which had
     * not run when the violation was found".
     */
    private String stepNamed(Step step) {
        if (step.index() < 0) {
            return "T" + step.thread() + "'s first step (the start of " + operationOf(step.thread()) + ")";
        }
        int ran = ranAt(step);
        if (ran == step.index()) {
            return "T" + step.thread() + "'s step " + step.index() + " at " + step.point() + ", which had not run when the violation was"
                    + " found";
        }
        if (resumedLater(step, ran)) {
            Step reached = explained.trace().get(ran);
            return "T" + step.thread() + "'s step from " + step.index() + " (" + doing(step, null) + ") on to step " + ran + " ("
                    + reached.point() + ", in " + reached.operation() + ")";
        }
        return "T" + step.thread() + "'s step " + step.index() + " (" + doing(step, null) + ")";
    }

    /** A slice step: who did what, on which CPU, and what later touched it. */
    private Sentence step(CausalSlice.Entry entry) {
        Step step = entry.step();
        String writing = entry.wrote() == null ? "" : ", writing " + entry.wrote();
        String tail = (entry.wrote() == null ? "" : ", which " + entry.readBy() + " touched") + switch (entry.role()) {
            case PAIR_FIRST -> "; this is the pair's first step";
            case PAIR_SECOND -> "; this is the pair's second step";
            default -> "";
        } + ".";
        int ran = ranAt(step);
        if (entry.role() == CausalSlice.Role.DIVERGENCE && divergence != null) {
            String who = step.index() < 0 ? "At the start of " + operationOf(step.thread()) + ", T" + step.thread()
                    : "At step " + step.index() + ", T" + step.thread() + " (" + step.operation() + ", CPU " + step.cpu() + "), from "
                    + step.point() + ",";
            return new Sentence(who + " " + divergence.withBug() + "; the fixed model, on the same schedule, " + divergence.withoutBug()
                    + " instead and runs clean: here the bug's code ran.", step.index() < 0 ? ran : step.index());
        }
        if (step.index() < 0) {
            return new Sentence("T" + step.thread() + " began " + operationOf(step.thread()) + " and ran to its first schedule point,"
                    + " step " + ran + writing + tail, ran);
        }
        if (resumedLater(step, ran)) {
            Step reached = explained.trace().get(ran);
            return new Sentence("T" + step.thread() + " (" + step.operation() + ", CPU " + step.cpu() + ") had stopped at step "
                    + step.index() + ", where it " + doing(step, null) + ", and ran on only after step " + (ran - 1) + ", to step " + ran
                    + " (" + reached.point() + ", in " + reached.operation() + ")" + writing + tail, step.index());
        }
        return new Sentence("At step " + step.index() + ", T" + step.thread() + " (" + step.operation() + ", CPU " + step.cpu() + ") "
                + doing(step, entry.wrote()) + (lockPoint(step) ? "" : writing) + tail, step.index());
    }

    /**
     * When a step ran: the index of the next point its worker reached (a worker runs a step when
     * picked, up to that point); a worker's first step ran up to its first point; a step after
     * which its worker reached no point (the violating one, last) at its own index.
     */
    private int ranAt(Step step) {
        if (step.index() < 0) {
            return firstStepOf(step.thread());
        }
        return explained.trace().stream().filter(s -> s.thread() == step.thread() && s.index() > step.index()).mapToInt(Step::index)
                .findFirst().orElse(step.index());
    }

    /** Whether another worker ran between the point a step started from and the point it ran to (it was switched away there). */
    private boolean resumedLater(Step step, int ran) {
        return explained.trace().subList(step.index() + 1, ran).stream().anyMatch(s -> s.thread() != step.thread());
    }

    /** The pair's second step when it never ran before the failure: its worker was switched away at its point. */
    private Sentence pending(Step step) {
        return new Sentence("At step " + step.index() + ", T" + step.thread() + " (" + step.operation() + ", CPU " + step.cpu()
                + ") reached " + step.point() + " and was switched away: it had not " + pastParticiple(doing(step, null))
                + " when the violation was found; this is the pair's second step.", step.index());
    }

    /** "set the PTE of VA page 4" as done by now: "set the PTE of VA page 4"; "took slots" as "taken slots". */
    private static String pastParticiple(String doing) {
        int space = doing.indexOf(' ');
        String verb = space < 0 ? doing : doing.substring(0, space);
        String rest = space < 0 ? "" : doing.substring(space);
        return switch (verb) {
            case "took" -> "taken";
            case "began" -> "begun";
            case "ran" -> "run";
            default -> verb;
        } + rest;
    }

    /** The step the violation was found in, with the invariant's rule and what the check saw. */
    private Sentence found(CausalSlice.Entry entry) {
        Step step = entry.step();
        String rule = InvariantId.byId(invariant).map(i -> " (" + i.rule() + ")").orElse("");
        String unwritten = entry.unwritten().isEmpty() ? "" : ", reading " + String.join(" and ", entry.unwritten())
                + ", which no step before it had written";
        return new Sentence("At step " + step.index() + ", T" + step.thread() + " (" + step.operation() + ", CPU " + step.cpu() + ") "
                + doing(step, null) + unwritten + ", and the check found " + invariant + rule + " broken: " + seen() + ".",
                step.index());
    }

    /** What the check saw: the violation's message without its invariant id. */
    private String seen() {
        String message = explained.failureMessage();
        String prefix = invariant + ": ";
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }

    /**
     * What a step did: its point's action ("set the PTE of VA page 12"); for a step from a lock
     * point, the lock and, when known, what it wrote after it ({@code wrote}).
     */
    static String doing(Step step, String wrote) {
        String point = step.point();
        if (point.startsWith(ControlledScheduler.ACQUIRE)) {
            return "took " + point.substring(ControlledScheduler.ACQUIRE.length()) + (wrote == null ? "" : " and wrote " + wrote);
        }
        if (point.startsWith(ControlledScheduler.RELEASE)) {
            return "released " + point.substring(ControlledScheduler.RELEASE.length()) + (wrote == null ? "" : " and wrote " + wrote);
        }
        return SchedulePoint.byLabel(point).map(p -> p.doing(step.subject())).orElse("ran from " + point);
    }

    /** Whether the step starts from a lock's acquire or release point (it is named by the lock). */
    static boolean lockPoint(Step step) {
        return step.point().startsWith(ControlledScheduler.ACQUIRE) || step.point().startsWith(ControlledScheduler.RELEASE);
    }

    private int firstStepOf(int worker) {
        return explained.trace().stream().filter(s -> s.thread() == worker).mapToInt(Step::index).findFirst().orElse(-1);
    }

    private String operationOf(int worker) {
        return explained.trace().stream().filter(s -> s.thread() == worker).map(Step::operation).findFirst().orElse("its work");
    }
}
