package org.vmapstress.reports.record;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.vmapstress.reports.Verdict;

/**
 * The run record: what one engine ran and found, as JSON ({@code run.json}, or
 * {@code jcstress.json}, {@code lincheck.json}). Every engine writes this one format: the
 * controlled and free-running explorations of the harness, jcstress (with its outcome
 * histograms in {@link #jcstress}) and Lincheck (with the interleaving it printed in
 * {@link Failure#interleaving}). The report module reads nothing else. {@link #FORMAT}
 * versions the layout; fields an engine has nothing for are null. {@link #purpose} says how
 * to grade it: {@link #CHECK} (the default) or {@link #DETECT} (the zoo); a detection record
 * lists the invariant ids a finding must show ({@link #expected}: those its bugs break), so a
 * failure of another invariant is shown for what it is, never counted as the bug found.
 *
 * <p>{@link #verdict} follows from the rest (see {@link Verdict}): "violation" when a failure
 * (a broken invariant) is listed, else "incomplete" when {@link #incomplete} lists a step that
 * could not judge (over its time, interrupted, crashed, stale), else "clean".
 */
public record RunRecord(String format, String engine, Configuration configuration, Counts counts, String verdict,
                        List<Failure> failures, List<Unfinished> incomplete, List<JcstressTest> jcstress, String purpose,
                        List<String> expected, Exhaustive exhaustive) {
    public static final String FORMAT = "vmapstress-run/3";
    /** The purpose of a run that checks the model: any failure is a failure (null in the JSON means this). */
    public static final String CHECK = "check";
    /** The purpose of a zoo run: on a re-introduced bug a failure is the expected finding, on the fixed model a false alarm. */
    public static final String DETECT = "detect";

    public RunRecord {
        failures = failures == null ? List.of() : List.copyOf(failures);
        incomplete = incomplete == null ? List.of() : List.copyOf(incomplete);
        jcstress = jcstress == null ? List.of() : List.copyOf(jcstress);
        expected = expected == null ? null : List.copyOf(expected);
        verdict = (!failures.isEmpty() ? Verdict.VIOLATION : !incomplete.isEmpty() ? Verdict.INCOMPLETE : Verdict.CLEAN).word();
    }

    /** A record of one engine's failures: the verdict follows from them ("clean" when there are none). */
    public static RunRecord of(String engine, Configuration configuration, Counts counts, List<Failure> failures,
                               List<JcstressTest> jcstress) {
        return new RunRecord(FORMAT, engine, configuration, counts, null, failures, List.of(), jcstress, CHECK, null, null);
    }

    /**
     * The record of a step that could not judge at all (a child that did not finish, a step
     * that threw, a suite or zoo that has not finished): no count but its seconds, no failure.
     */
    public static RunRecord incomplete(String engine, Configuration configuration, double seconds, Unfinished... steps) {
        return of(engine, configuration, new Counts(0, 0, seconds), List.of(), null).withIncomplete(List.of(steps));
    }

    /** This record with {@code more} steps that could not judge: incomplete, unless a failure makes it a violation. */
    public RunRecord withIncomplete(List<Unfinished> more) {
        List<Unfinished> all = new ArrayList<>(incomplete);
        all.addAll(more);
        return new RunRecord(format, engine, configuration, counts, null, failures, all, jcstress, purpose, expected, exhaustive);
    }

    /**
     * This record, run to measure detection (see {@link #DETECT}): a failure counts as the bug
     * found only with one of the {@code expected} invariant ids (empty on the fixed model, where
     * anything is a false alarm).
     */
    public RunRecord forDetection(List<String> expected) {
        return new RunRecord(format, engine, configuration, counts, null, failures, incomplete, jcstress, DETECT, expected, exhaustive);
    }

    /** This record with an exhaustive run's coverage. */
    public RunRecord withExhaustive(Exhaustive coverage) {
        return new RunRecord(format, engine, configuration, counts, null, failures, incomplete, jcstress, purpose, expected, coverage);
    }

    /** Whether {@code failure} is what this record looks for: any failure, unless it lists what it expects. */
    public boolean expects(Failure failure) {
        return expected == null || expected.isEmpty() || expected.contains(failure.invariant());
    }

    /** The first failure that is what this record looks for (see {@link #expects}), if any. */
    public java.util.Optional<Failure> firstExpected() {
        return failures.stream().filter(this::expects).findFirst();
    }

    /** Whether some failure is what this record looks for (see {@link #expects}). */
    public boolean foundExpected() {
        return firstExpected().isPresent();
    }

    public Verdict graded() {
        return Verdict.of(verdict);
    }

    public boolean detection() {
        return DETECT.equals(purpose);
    }

    /**
     * Whether this detection record ran the fixed model, patched or not: it expects no
     * invariant to break, so any failure is a false alarm.
     */
    public boolean onFixedModel() {
        return detection() && (expected == null || expected.isEmpty());
    }

    /**
     * What was run: the re-introduced bugs ("none" for the fixed model), the workload and
     * schedule ({@code sched}: random, pct3, free or an engine's mode), the model's shape, and
     * which shard of the seed space ("1/1" when not sharded).
     */
    public record Configuration(String bugs, String scenario, int threads, int ops, Shape model, String seed, String sched,
                                String shard, long iterations, double budgetSeconds) {
    }

    /**
     * A step that could not judge: which ({@code step}: an engine, a jcstress test, an
     * execution), why, and what to do about it (a command where there is one).
     */
    public record Unfinished(String step, String reason, String remedy) {
        /** One line for the console: step, reason, then what to do. */
        @Override
        public String toString() {
            return step + ": " + reason + " -> " + remedy;
        }
    }

    /**
     * An exhaustive run's coverage ({@code --sched dfs}): the preemption bound asked for (null:
     * none), the largest bound every schedule of which ran (-1: not even bound 0), the schedules
     * run, whether every schedule up to the bound ran ({@code complete}) and whether that was
     * the workload's whole space ({@code exhausted}), the violating schedules among them, and
     * when the run was capped, the branches it did not take (each at least one schedule).
     * {@code reduction}: the partial-order reduction that chose one schedule of each class of
     * equivalent ones ("dpor"), or null for none.
     */
    public record Exhaustive(Integer preemptionBound, int exploredBound, long schedules, boolean complete, boolean exhausted,
                             long violating, long branchesLeft, String reduction) {
        /** A run without partial-order reduction. */
        public Exhaustive(Integer preemptionBound, int exploredBound, long schedules, boolean complete, boolean exhausted,
                          long violating, long branchesLeft) {
            this(preemptionBound, exploredBound, schedules, complete, exhausted, violating, branchesLeft, null);
        }

        /** One line: "complete: 412 schedules, bound 2, 0 violations" or "capped: ..., at least N left". */
        public String summary() {
            if (reduction != null && complete) {
                return String.format("complete: %d schedules, %s (%s), %d violations%s", schedules,
                        preemptionBound == null ? "every interleaving up to the order of independent steps" : "bound " + preemptionBound,
                        reduction, violating, exhausted && preemptionBound != null ? " (every schedule of the workload)" : "");
            }
            if (reduction != null) {
                return String.format("capped: %d schedules (%s), at least %d branches left", schedules, reduction, branchesLeft);
            }
            if (complete) {
                return String.format("complete: %d schedules, bound %d, %d violations%s", schedules, exploredBound, violating,
                        exhausted ? " (every schedule of the workload)" : "");
            }
            return String.format("capped: %d schedules, %s, at least %d left", schedules,
                    exploredBound < 0 ? "bound 0 partly done" : "bound " + exploredBound + " complete, bound " + (exploredBound + 1)
                            + " partly done", branchesLeft);
        }
    }

    /** The model's size: possible CPUs, vmalloc pages, page frames. */
    public record Shape(List<Integer> cpus, long vaPages, int frames) {
    }

    /** How much was run: executions (jcstress: samples), schedule points, seconds. */
    public record Counts(long executions, long schedulePoints, double seconds) {
    }

    /**
     * One failure: the invariant and message, where it was found, the replay token and line
     * (null when there is none, e.g. a free-running failure not found again under control),
     * its shrunk token when shrinking ran, its trace and the model's state when it was found
     * (empty / null for engines that have none), and Lincheck's printed interleaving.
     * {@code recorded}: the trace is a recording, not a replayable schedule: a free-running
     * execution's flight recording (the last events of each worker, in the order of the
     * recorder's stamps), or the model's steps of Lincheck's failing invocation; false (or absent
     * in the JSON) for every other trace.
     */
    public record Failure(String invariant, String message, long execution, int step, String token, String replay,
                          String shrunkToken, int preemptions, List<TraceStep> trace, State state, String interleaving,
                          boolean recorded, Isolation isolation) {
        public Failure {
            trace = trace == null ? List.of() : List.copyOf(trace);
        }

        /** A failure whose trace (if any) is a schedule the engine ran, not a recording, with no isolation run. */
        public Failure(String invariant, String message, long execution, int step, String token, String replay,
                       String shrunkToken, int preemptions, List<TraceStep> trace, State state, String interleaving) {
            this(invariant, message, execution, step, token, replay, shrunkToken, preemptions, trace, state, interleaving, false, null);
        }

        /** A free-running failure with its flight recording: the violation was found after the last recorded step. */
        public static Failure recordedFreeRunning(String invariant, String message, long execution, List<TraceStep> recording) {
            return new Failure(invariant, message, execution, recording.size(), null, null, null, 0, recording, null, null, true, null);
        }

        /** This failure with what isolating its failure-inducing ordering found. */
        public Failure withIsolation(Isolation found) {
            return new Failure(invariant, message, execution, step, token, replay, shrunkToken, preemptions, trace, state,
                    interleaving, recorded, found);
        }
    }

    /**
     * The failure-inducing ordering of a controlled failure: in the execution it explains (the
     * shrunk one when there is one: {@code explainedToken}, its {@code trace}), step {@code first}
     * before step {@code second} fails ({@code failingReplay}) and the other way round runs clean
     * ({@code passingReplay}), each confirmed by a replay. When no pair was found, {@code first}
     * and {@code second} are null and {@code why} says why. {@code tried}: the reorderings run;
     * {@code seconds}: what isolating took. {@code slice}: the causal slice of the failure (the
     * step it was found in, the pair, and backwards the steps that last wrote what those touched).
     * {@code story}: the failure in words, from the slice (its first sentence says what broke and
     * what decided it), each sentence naming a step of {@code trace}. For a recorded failure
     * ({@link Failure#recorded}: a free-running one not found again under control, or Lincheck's)
     * the trace is its recording, {@code explainedToken} is null, no pair is tried ({@code why}
     * says so), and the slice and story link recorded events by what their subjects name,
     * unconfirmed. {@code divergence}: what the switched-on bug changed (null when the model has
     * no fault, for a recorded failure, and in records written before it existed).
     */
    public record Isolation(String explainedToken, List<TraceStep> trace, TraceStep first, TraceStep second, String failingReplay,
                            String passingReplay, String why, int tried, double seconds, List<SliceStep> slice,
                            List<Sentence> story, Divergence divergence) {
        public Isolation {
            trace = trace == null ? List.of() : List.copyOf(trace);
            slice = slice == null ? List.of() : List.copyOf(slice);
            story = story == null ? List.of() : List.copyOf(story);
        }

        /** Whether a pair was isolated. */
        public boolean hasPair() {
            return first != null && second != null;
        }
    }

    /**
     * One step of a controlled execution: worker, CPU, operation, schedule point, what it
     * touched, and the model locks the worker held when it ran (comma-separated, may be empty).
     */
    public record TraceStep(int index, int thread, int cpu, String operation, String point, long subject, String locks) {
    }

    /**
     * What a switched-on bug changed in the explained execution: run on the fixed model (its
     * faults off) following the same picks, the first step where the two differ is {@code step}
     * (the point it started from), where with the bug {@code withBug} happened and without it
     * {@code withoutBug} ("went on to pte:clear 0 (cleared the PTE of VA page 0)"); the fixed
     * run is clean, confirmed by {@code passingReplay}; {@code failingReplay} replays the buggy
     * one. {@code alsoRanAt}: earlier steps where the bug's code ran with only what the step read
     * differing (the two went on alike). When there is no such step, {@code step}, {@code withBug}, {@code withoutBug} and
     * (unless the fixed run was clean) {@code passingReplay} are null and {@code why} says why.
     */
    public record Divergence(TraceStep step, String withBug, String withoutBug, List<Integer> alsoRanAt, String failingReplay,
                             String passingReplay, String why) {
        public Divergence {
            alsoRanAt = alsoRanAt == null ? List.of() : List.copyOf(alsoRanAt);
        }

        public boolean found() {
            return step != null;
        }
    }

    /** A step of a causal slice and why it is in it ("wrote the PTE of VA page 384, which step 812 (T0) touched"). */
    public record SliceStep(TraceStep step, String why) {
    }

    /** A sentence of a failure's story and the step of the trace it is about (where its link goes). */
    public record Sentence(String text, int step) {
    }

    /** The model's state at the failure: blocks, lazy list, counters, TLB entries with their PTEs, page states. */
    public record State(List<Block> blocks, List<Area> lazyAreas, long vmapLazyNr, long freeVaPages, long tlbFlushes,
                        long pagesFlushed, List<TlbEntry> tlbEntries, Map<Integer, String> pages) {
    }

    /**
     * One vmap_block; {@code slots} has one character per slot (L live, d dirty, f flushed, .
     * never handed out), {@code ptes} one per slot's page (P: the page table maps it, .: not).
     */
    public record Block(long start, int cpu, int bits, int free, int dirty, int live, int dirtyMin, int dirtyMax, String slots,
                        String ptes) {
    }

    /** A vmap_area on the lazy list. */
    public record Area(long start, long pages, String kind) {
    }

    /** A TLB entry of one CPU, with what the page table maps at that VA now (-1: no PTE). */
    public record TlbEntry(int cpu, long va, int pfn, int ptePfn) {
    }

    /** One jcstress test: jcstress's status (OK, FAILED, ERROR), the project's verdict, the outcome histogram. */
    public record JcstressTest(String name, String family, String variant, String status, boolean expectCaught,
                               String verdict, List<Outcome> outcomes) {
    }

    /** One row of "Results across all configurations": ACCEPTABLE, FORBIDDEN or INTERESTING. */
    public record Outcome(String result, long samples, String expect, String description) {
    }
}
