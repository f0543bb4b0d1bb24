package org.vmapstress.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.harness.exec.ExecutionResult;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.harness.sched.ControlledScheduler;
import org.vmapstress.harness.sched.DporPolicy;
import org.vmapstress.harness.sched.DporPolicy.Event;
import org.vmapstress.harness.sched.PickRecorder;
import org.vmapstress.harness.sched.SchedulePolicy;
import org.vmapstress.harness.sched.Step;
import org.vmapstress.reports.Verdict;

/**
 * Isolates the ordering that makes a controlled failure fail (Choi and Zeller, ISSTA 2002,
 * narrowed to one pair of steps): the failing execution is replayed recording what each step
 * touched ({@link DporPolicy}), and two kinds of one-pair reorderings are tried, the latest in
 * the execution first: each context switch undone (the worker switched away from runs its next
 * step first: the step that never ran before the failure, as in a lost update), and each race
 * reversed ({@link Races}: two conflicting steps of two workers that nothing orders in between;
 * the same picks before the first step, then the steps after it that do not depend on it, the
 * second step, the first, the steps that depend on the first, and the rest as they were). After
 * its picks a reordered execution runs on without preempting (the worker at a point runs on).
 * The first reordering that runs clean, confirmed twice (once recording, to check that the two
 * steps did run the other way; once from its replay token, as {@code replay} runs it), is the
 * failure-inducing pair. When the model has a bug switched on, the step where its code ran is
 * found too ({@link BugDivergence}: the same picks on the fixed model, compared step by step),
 * the other half of the smallest change that makes the failure pass, and the only one for a
 * failure that no ordering decides.
 *
 * <p>Bounded by its budget: it never delays a verdict by more, and says so when it runs out.
 */
public final class FailureIsolation {
    /**
     * Two steps of the failing execution whose order decides the failure: {@code first} before
     * {@code second} fails ({@code failing} replays it), {@code second} before {@code first}
     * runs clean ({@code passing} replays that). A step is the schedule point it started from.
     */
    public record Pair(Step first, Step second, Token failing, Token passing) {
    }

    /**
     * What isolation found for the execution it explained (null when it had no time to run it):
     * the pair (null when none was found, with {@code why}), the reorderings it ran, how long it
     * took, the causal slice of the failure (empty when the execution was not recorded), and
     * what the bug changed ({@link BugDivergence}; null when the model has no fault or the
     * execution was not recorded).
     */
    public record Outcome(ExecutionResult explained, Pair pair, int tried, Duration took, String why, List<CausalSlice.Entry> slice,
                          BugDivergence.Divergence divergence) {
        Outcome(ExecutionResult explained, int tried, Duration took, String why) {
            this(explained, null, tried, took, why, List.of(), null);
        }
    }

    private final Execution unbounded;
    /** When the isolation running now must end (System.nanoTime()). */
    private long deadline;
    /** How many reorderings the isolation running now ran that failed as the failure did. */
    private int failedAlike;

    public FailureIsolation(Execution execution) {
        this.unbounded = execution;
    }

    /** Isolates the pair of {@code failing}'s spec (a controlled violation) within {@code budget}: no execution outlives it. */
    public Outcome isolate(ExecutionSpec failing, Duration budget) throws InterruptedException {
        long start = System.nanoTime();
        if (budget.isNegative() || budget.isZero()) {
            return new Outcome(null, 0, Duration.ZERO, "not tried: no time left");
        }
        deadline = start + budget.toNanos();
        failedAlike = 0;
        PickRecorder recorder = new PickRecorder(Execution.policyOf(failing));
        ExecutionResult explained = run(failing, recorder);
        if (explained.verdict() != Verdict.VIOLATION) {
            return new Outcome(explained, 0, since(start), "the failure did not replay (" + explained.failureId() + ")");
        }
        if (failing.migrates()) {
            return new Outcome(explained, 0, since(start), "not tried: the schedule migrates workers inside operations, "
                    + "whose seeded draws a reordered schedule would shift");
        }
        List<Event> events = record(failing, recorder.picks()).events;
        Explaining explaining = new Explaining(explained, events, divergence(failing, recorder.picks(), explained, events), start);
        List<Candidate> candidates = candidates(explained, events);
        if (candidates.isEmpty()) {
            return outcome(explaining, null, null, 0, "none to isolate: no step of one worker touched what a step of "
                    + "another touched, so no reordering changes the outcome; the failing worker's own operations, in program order, "
                    + "are the cause");
        }
        int tried = 0;
        for (Candidate candidate : candidates) {
            if (outOfTime()) {
                return outcome(explaining, null, null, tried, "none found within its " + budget.toMillis() / 1000.0
                        + " s budget (" + tried + " of " + candidates.size() + " reorderings run)");
            }
            tried++;
            Pair pair = tryCandidate(failing, explained, candidate);
            if (pair != null) {
                return outcome(explaining, candidate, pair, tried, null);
            }
        }
        String why = failedAlike == tried
                ? "each of its " + tried + " reorderings of one pair of steps fails the same way (" + explained.failureId() + "): the"
                        + " failure needs these workers' operations, not one order of them"
                : "none of its " + tried + " reorderings of one pair of steps runs clean (" + failedAlike + " fail the same way): the"
                        + " failure does not hang on the order of one pair";
        return outcome(explaining, null, null, tried, why);
    }

    /** The recorded execution an isolation explains, its {@code events}, what the bug changed in it, and when the isolation began. */
    private record Explaining(ExecutionResult explained, List<Event> events, BugDivergence.Divergence divergence, long start) {
    }

    /**
     * The outcome, with the failure's causal slice from the step the violation was found in, the
     * isolated pair's steps ({@code isolated}, which found {@code pair}; null for none) and the
     * step where the bug's code ran.
     */
    private static Outcome outcome(Explaining explaining, Candidate isolated, Pair pair, int tried, String why) {
        List<Event> events = explaining.events();
        BugDivergence.Divergence divergence = explaining.divergence();
        int violating = events.size() - 1;
        List<CausalSlice.Seed> seeds = new ArrayList<>();
        seeds.add(new CausalSlice.Seed(violating, CausalSlice.Role.VIOLATION));
        if (isolated != null) {
            seeds.add(new CausalSlice.Seed(indexOf(events, isolated.first().worker(), isolated.first().ordinal()),
                    CausalSlice.Role.PAIR_FIRST));
            seeds.add(new CausalSlice.Seed(indexOf(events, isolated.second().worker(), isolated.second().ordinal()),
                    CausalSlice.Role.PAIR_SECOND));
        }
        if (divergence != null && divergence.found()) {
            seeds.add(new CausalSlice.Seed(divergence.event(), CausalSlice.Role.DIVERGENCE));
        }
        return new Outcome(explaining.explained(), pair, tried, since(explaining.start()), why,
                CausalSlice.of(explaining.explained(), events, seeds), divergence);
    }

    /** One step of a worker: its {@code ordinal}-th (from 0), named by the point it started from. */
    private record StepRef(int worker, int ordinal, Step step) {
    }

    /**
     * A reordering to try: in the failing execution {@code first} ran before {@code second} (or
     * {@code second} had not run yet); {@code picks} run {@code second} first. {@code late}: how
     * late in the execution the change is (the latest are tried first).
     */
    private record Candidate(int late, byte[] picks, StepRef first, StepRef second) {
    }

    /**
     * The reorderings, latest first: each context switch undone (the preempted worker runs its
     * next step before the worker that was switched to), and each race reversed (see
     * {@link #reversal}), also from the start of the critical section its first step runs in.
     */
    private static List<Candidate> candidates(ExecutionResult explained, List<Event> events) {
        List<Candidate> candidates = new ArrayList<>();
        for (int k = 1; k < events.size(); k++) {
            int preempted = events.get(k - 1).worker();
            Step reached = pointReached(explained, events.get(k - 1));
            if (events.get(k).worker() != preempted && reached.index() >= 0 && !reached.point().startsWith(ControlledScheduler.WAIT)) {
                StepRef pending = new StepRef(preempted, stepsBefore(events, k, preempted), reached);
                candidates.add(new Candidate(k, delayed(events, k, preempted), refOf(explained, events, k), pending));
            }
        }
        Races graph = new Races(events);
        graph.forEach(race -> {
            for (int from : movedFrom(explained, events, race.first())) {
                candidates.add(new Candidate(race.second(), reversal(events, graph, from, race.second()), refOf(explained, events, from),
                        refOf(explained, events, race.second())));
            }
        });
        candidates.sort(Comparator.comparingInt(Candidate::late).reversed());
        return candidates;
    }

    /**
     * The picks with {@code worker}'s next step moved to pick {@code k}: it runs before the switch
     * away from it. A step that never ran (the execution ended first) is added there.
     */
    private static byte[] delayed(List<Event> events, int k, int worker) {
        int next = k;
        while (next < events.size() && events.get(next).worker() != worker) {
            next++;
        }
        byte[] picks = new byte[next < events.size() ? events.size() : events.size() + 1];
        int n = 0;
        for (int i = 0; i < events.size(); i++) {
            if (i == k) {
                picks[n++] = (byte) worker;
            }
            if (i != next) {
                picks[n++] = (byte) events.get(i).worker();
            }
        }
        return picks;
    }

    private static StepRef refOf(ExecutionResult explained, List<Event> events, int k) {
        Event event = events.get(k);
        return new StepRef(event.worker(), ordinal(events, k), CausalSlice.stepOf(explained, event));
    }

    /** The point a step ended at: the next step of its worker in the trace (the step its worker runs next starts there). */
    static Step pointReached(ExecutionResult explained, Event event) {
        for (int t = event.from() + 1; t < explained.trace().size(); t++) {
            if (explained.trace().get(t).thread() == event.worker()) {
                return explained.trace().get(t);
            }
        }
        return new Step(-1, event.worker(), -1, "end", "the end of its operations", 0, "");
    }

    /** A recorded execution: its result, its steps, and the picks it made as a spec's schedule ({@code choices:...}). */
    record Recorded(ExecutionResult result, List<Event> events, String sched) {
    }

    Recorded record(ExecutionSpec spec, byte[] picks) throws InterruptedException {
        DporPolicy policy = DporPolicy.following(picks, PartialOrderSearch.Footprints.DECLARED.declared());
        ExecutionResult result = run(spec, policy);
        policy.finish();
        return new Recorded(result, policy.events(), policy.name());
    }

    /** What the bug changed ({@link BugDivergence}); a comparison that throws loses only itself, never the ordering's search. */
    private BugDivergence.Divergence divergence(ExecutionSpec failing, byte[] picks, ExecutionResult explained, List<Event> events)
            throws InterruptedException {
        try {
            return BugDivergence.of(failing, picks, explained, events, this);
        } catch (RuntimeException | AssertionError e) {
            return BugDivergence.Divergence.none(explained, "the comparison with the fixed model failed (" + e + ")", null);
        }
    }

    /** Whether the isolation running now has used up its budget. */
    boolean outOfTime() {
        return System.nanoTime() - deadline >= 0;
    }

    /** Runs {@code spec} with its own policy, as {@code replay} runs its token, within the budget. */
    ExecutionResult replay(ExecutionSpec spec) throws InterruptedException {
        return run(spec, Execution.policyOf(spec));
    }

    /** Runs one execution, its watchdog cut to what is left of the budget: none outlives it. */
    private ExecutionResult run(ExecutionSpec spec, SchedulePolicy policy) throws InterruptedException {
        return unbounded.cutTo(Duration.ofNanos(deadline - System.nanoTime())).run(spec, policy);
    }

    /**
     * Where the second step of a race is moved to: before its first step, and when that step runs
     * inside a critical section, before the step that took the section's outermost lock too (the
     * second step may need that lock: moved only before the first, it would wait for it).
     */
    private static List<Integer> movedFrom(ExecutionResult explained, List<Event> events, int first) {
        int worker = events.get(first).worker();
        int sectionStart = first;
        for (int k = first; k >= 0; k--) {
            if (events.get(k).worker() != worker) {
                continue;
            }
            if (!holdsLocks(explained, events.get(k))) {
                sectionStart = k;
                break;
            }
        }
        return sectionStart == first ? List.of(first) : List.of(first, sectionStart);
    }

    /** Whether the step runs holding a lock: its point lists one held (a "release" point is reached once the lock is released). */
    private static boolean holdsLocks(ExecutionResult explained, Event event) {
        return event.from() >= 0 && !explained.trace().get(event.from()).locks().isEmpty();
    }

    /** Runs the candidate; the pair when it ran {@code second} before {@code first} and clean, twice. */
    private Pair tryCandidate(ExecutionSpec failing, ExecutionResult explained, Candidate candidate) throws InterruptedException {
        Recorded run = record(failing, candidate.picks());
        if (run.result.verdict() == Verdict.VIOLATION && run.result.failureId().equals(explained.failureId())) {
            failedAlike++;
        }
        if (run.result.verdict() != Verdict.CLEAN || !ranBefore(run.events, candidate.second(), candidate.first())) {
            return null;
        }
        ExecutionSpec passingSpec = failing.withSched(run.sched);
        ExecutionResult replayed = replay(passingSpec);
        if (replayed.verdict() != Verdict.CLEAN) {
            return null;
        }
        return new Pair(candidate.first().step(), candidate.second().step(), Token.of(explained), Token.of(replayed));
    }

    /**
     * The picks that run {@code second} before {@code first}: the steps before {@code first}, those
     * between that do not happen after it, {@code second}, {@code first}, those between that do,
     * then the rest as they were.
     */
    static byte[] reversal(List<Event> events, Races graph, int first, int second) {
        byte[] picks = new byte[events.size()];
        int n = 0;
        for (int k = 0; k < first; k++) {
            picks[n++] = (byte) events.get(k).worker();
        }
        for (int k = first + 1; k < second; k++) {
            if (!graph.happensBefore(first, k)) {
                picks[n++] = (byte) events.get(k).worker();
            }
        }
        picks[n++] = (byte) events.get(second).worker();
        picks[n++] = (byte) events.get(first).worker();
        for (int k = first + 1; k < second; k++) {
            if (graph.happensBefore(first, k)) {
                picks[n++] = (byte) events.get(k).worker();
            }
        }
        for (int k = second + 1; k < events.size(); k++) {
            picks[n++] = (byte) events.get(k).worker();
        }
        return picks;
    }

    /** Whether, in {@code run}, step {@code a} ran before step {@code b} (each found by its worker and ordinal). */
    private static boolean ranBefore(List<Event> run, StepRef a, StepRef b) {
        int atA = indexOf(run, a.worker(), a.ordinal());
        int atB = indexOf(run, b.worker(), b.ordinal());
        return atA >= 0 && atB >= 0 && atA < atB;
    }

    /** The how-manyth step of its worker step {@code k} is (from 0). */
    private static int ordinal(List<Event> events, int k) {
        return stepsBefore(events, k, events.get(k).worker());
    }

    /** How many steps {@code worker} ran before step {@code k}. */
    private static int stepsBefore(List<Event> events, int k, int worker) {
        int count = 0;
        for (int i = 0; i < k; i++) {
            if (events.get(i).worker() == worker) {
                count++;
            }
        }
        return count;
    }

    private static int indexOf(List<Event> events, int worker, int ordinal) {
        int count = 0;
        for (int i = 0; i < events.size(); i++) {
            if (events.get(i).worker() == worker && count++ == ordinal) {
                return i;
            }
        }
        return -1;
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }
}
