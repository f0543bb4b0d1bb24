package org.vmapstress.stress.lincheck;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.Options;
import org.vmapstress.harness.RecordedStory;
import org.vmapstress.harness.sched.Step;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;
import org.vmapstress.model.InvariantId;
import org.vmapstress.model.ModelConfig;
import org.vmapstress.model.Violation;
import org.vmapstress.reports.Verdict;
import org.vmapstress.reports.record.RunRecord;
import org.vmapstress.reports.record.RunRecords;

/**
 * The Lincheck part of {@code ./vmapstress suite}: checks the allocator with the given bugs in
 * stress and model-checking mode (the settings of {@link AllocatorLincheckTest}) and writes one
 * run record per mode, {@code OUT/lincheck-MODE.json}, with Lincheck's printed interleaving as
 * the failure's text. With a shard K/N only the modes whose position is K-1 modulo N run.
 *
 * <p>With a time budget (SECONDS above 0) each mode is sized to fit its part of it (stress half,
 * model checking the rest: stress finds most of the zoo's bugs): a warm-up iteration, a timed
 * one, then one run of as many iterations as fit (see {@link #check}). A Lincheck "hang" is recorded
 * as a step that could not judge, never as a detection.
 *
 * <p>{@code LincheckRun OUT BUGS SHARD [SECONDS]}: BUGS is "none" or comma-separated bug names.
 * Exit 0 when every mode ran clean, 1 when Lincheck found a violation, 3 when a mode could not
 * judge, 2 on bad arguments. Run by the suite with {@code stress/target/test-classes},
 * {@code stress/target/classes} and the class path in {@code stress/target/bench.cp}.
 */
public final class LincheckRun {
    private static final List<String> MODES = List.of("stress", "model-checking");
    /** Lincheck's words for an invocation that did not finish within the invocation timeout. */
    private static final String HUNG = "The execution has hung";
    private LincheckRun() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 3 || args.length > 4 || !args[2].matches("\\d+/\\d+") || args.length == 4 && !args[3].matches("\\d{1,6}")) {
            System.err.println("usage: LincheckRun OUT_DIR none|BUG[,BUG...] K/N [SECONDS]");
            System.exit(2);
        }
        Optional<BugSet> bugs = BugSet.parse(args[1]);
        if (bugs.isEmpty()) {
            System.err.println("LincheckRun: unknown bug in '" + args[1] + "' (see ./vmapstress bugs)");
            System.exit(2);
        }
        int shard = Integer.parseInt(args[2].split("/")[0]);
        int shards = Integer.parseInt(args[2].split("/")[1]);
        long budgetNanos = args.length == 4 ? Long.parseLong(args[3]) * 1_000_000_000L : 0;
        long deadline = System.nanoTime() + budgetNanos;
        ModelConfig config = configFor(bugs.get());
        ConfiguredLincheckTest.configure(bugs.get(), config);
        Verdict verdict = Verdict.CLEAN;
        List<Integer> modes = IntStream.range(0, MODES.size()).filter(i -> i % shards == shard - 1).boxed().toList();
        for (int i : modes) {
            String mode = MODES.get(i);
            boolean last = i == modes.get(modes.size() - 1);
            long modeDeadline = budgetNanos == 0 ? 0 : last ? deadline : System.nanoTime() + (deadline - System.nanoTime()) / 2;
            RunRecord record = check(mode, args[1], args[2], config, modeDeadline);
            Path written = RunRecords.write(Path.of(args[0]), "lincheck-" + mode + ".json", record);
            System.out.printf("lincheck %-14s %s in %.1fs (%d invocations) -> %s%n", mode, record.verdict(),
                    record.counts().seconds(), record.counts().executions(), written);
            verdict = verdict.and(record.graded());
        }
        System.exit(verdict.exitCode());
    }

    /** impossible-cpu-hash needs a gap in the possible CPUs to show; the others run on CPUs 0-3. */
    static ModelConfig configFor(BugSet bugs) {
        ModelConfig small = AllocatorLincheckTest.smallModel();
        return bugs.has(Bug.IMPOSSIBLE_CPU_HASH) ? small.withPossibleCpus(0, 2) : small;
    }

    /**
     * One mode: without a deadline (0) the tests' iterations; with one, a warm-up iteration
     * (Lincheck's start), a timed run (for stress a tenth of the iterations: its invocations take
     * about a millisecond once the JIT has compiled them, ten times that at first; model checking's
     * take tens of milliseconds from the start, one iteration is enough), then one run of as many iterations as 80% of the time
     * left affords at the timed pace (at most the tests' count). Lincheck generates its
     * scenarios from a fixed seed, so every run starts with the same scenarios: only one long
     * run reaches the later ones, which chunks of runs would repeat instead.
     */
    private static RunRecord check(String mode, String bugs, String shard, ModelConfig config, long deadline) {
        boolean stress = mode.equals("stress");
        int iterations = stress ? AllocatorLincheckTest.STRESS_ITERATIONS : AllocatorLincheckTest.MODEL_CHECKING_ITERATIONS;
        long perIteration = stress ? AllocatorLincheckTest.STRESS_INVOCATIONS_PER_ITERATION
                : AllocatorLincheckTest.MODEL_CHECKING_INVOCATIONS_PER_ITERATION;
        long start = System.nanoTime();
        if (deadline == 0) {
            return record(mode, bugs, shard, config, 0, start, run(mode, bugs, iterations, perIteration), iterations * perIteration);
        }
        Outcome outcome = run(mode, bugs, 1, perIteration);
        long invocations = perIteration;
        if (outcome == null) {
            int timedIterations = stress ? iterations / 10 : 1;
            long timed = System.nanoTime();
            outcome = run(mode, bugs, timedIterations, perIteration);
            invocations += timedIterations * perIteration;
            long oneIteration = Math.max(1, (System.nanoTime() - timed) / timedIterations);
            int affordable = (int) Math.min(iterations, Math.max(0, (deadline - System.nanoTime()) * 8 / 10 / oneIteration));
            if (outcome == null && affordable > 0) {
                outcome = run(mode, bugs, affordable, perIteration);
                invocations += affordable * perIteration;
            }
        }
        return record(mode, bugs, shard, config, deadline, start, outcome, invocations);
    }

    private static RunRecord record(String mode, String bugs, String shard, ModelConfig config, long deadline, long start,
                                    Outcome outcome, long invocations) {
        double seconds = (System.nanoTime() - start) / 1e9;
        int[] cpus = config.possibleCpus();
        RunRecord.Configuration configuration = new RunRecord.Configuration(bugs, "lincheck operations",
                AllocatorLincheckTest.THREADS, 3,
                new RunRecord.Shape(Arrays.stream(cpus).boxed().toList(), config.vmallocPages(), config.pageFrames()),
                null, mode, shard, invocations, deadline == 0 ? 0 : Math.round((deadline - start) / 1e9));
        RunRecord.Counts counts = new RunRecord.Counts(outcome == null ? invocations : 0, 0, seconds);
        if (outcome == null) {
            return RunRecord.of("lincheck", configuration, counts, List.of(), null);
        }
        return RunRecord.of("lincheck", configuration, counts, outcome.failure() == null ? List.of() : List.of(outcome.failure()), null)
                .withIncomplete(outcome.unfinished() == null ? List.of() : List.of(outcome.unfinished()));
    }

    /** What a failed Lincheck check amounts to: a violation, or (a hang, a crash) a step that could not judge. */
    private record Outcome(RunRecord.Failure failure, RunRecord.Unfinished unfinished) {
    }

    /** Runs {@code iterations} of one mode; null when Lincheck found nothing. */
    private static Outcome run(String mode, String bugs, int iterations, long invocationsPerIteration) {
        Options<?, ?> options = mode.equals("stress") ? AllocatorLincheckTest.stress() : AllocatorLincheckTest.modelChecking();
        LincheckStepLog.takeLastFailing();
        try {
            options.iterations(iterations).invocationsPerIteration((int) invocationsPerIteration).minimizeFailedScenario(false)
                    .check(ConfiguredLincheckTest.class);
            return null;
        } catch (LincheckAssertionError e) {
            String printed = e.getMessage();
            if (printed.contains(HUNG)) {
                return new Outcome(null, new RunRecord.Unfinished("lincheck " + mode, "an invocation did not finish within "
                        + AllocatorLincheckTest.INVOCATION_TIMEOUT_MS / 1000 + "s (Lincheck says it hung): the machine may be"
                        + " overloaded, or the model deadlocked", "rerun: " + rerun(mode, bugs)));
            }
            return new Outcome(failure(printed, mode, bugs), null);
        } catch (RuntimeException | Error e) {
            return new Outcome(null, new RunRecord.Unfinished("lincheck " + mode, "Lincheck crashed: " + e,
                    "rerun: " + rerun(mode, bugs)));
        }
    }

    private static String rerun(String mode, String bugs) {
        return "java -cp \"stress/target/test-classes:stress/target/classes:$(cat stress/target/bench.cp)\" "
                + LincheckRun.class.getName() + " target/lincheck " + bugs + " " + (MODES.indexOf(mode) + 1) + "/" + MODES.size();
    }

    /** How @Validate reports the first violation of an invocation (AllocatorLincheckTest): "IllegalStateException: ID: text". */
    private static final Pattern VALIDATE_REPORT = Pattern.compile("IllegalStateException: ([A-Z][A-Z-]+): (.*)");

    /**
     * The invariant @Validate reported (the invocation's first violation), else one an operation's
     * result names, else a linearizability failure; the message says what was wrong in words,
     * and Lincheck's whole text is kept as the interleaving.
     */
    static RunRecord.Failure failure(String printed, String mode, String bugs) {
        Matcher reported = VALIDATE_REPORT.matcher(printed);
        Optional<String> validated = reported.find() && InvariantId.byId(reported.group(1)).isPresent()
                ? Optional.of(reported.group(1)) : Optional.empty();
        String invariant = validated.or(() -> Arrays.stream(InvariantId.values()).map(InvariantId::id)
                .filter(id -> printed.contains(id + ": ")).findFirst()).orElse("LINEARIZABILITY");
        String what = validated.isPresent() ? invariant + ": " + reported.group(2).strip()
                : invariant.equals("LINEARIZABILITY") ? "no sequential order of the operations explains their results"
                : "an operation's result names " + invariant;
        String firstLine = "Lincheck " + mode + ": " + what;
        RunRecord.Failure failure = new RunRecord.Failure(invariant, firstLine, -1, -1, null, rerun(mode, bugs), null, 0, null, null,
                printed);
        LincheckStepLog.Failing steps = LincheckStepLog.takeLastFailing();
        if (steps == null || steps.steps().isEmpty()
                || steps.steps().stream().anyMatch(step -> step.thread() >= AllocatorLincheckTest.THREADS)) {
            return failure; // no log, or one with more threads than Lincheck's: a record's trace names only its threads
        }
        try {
            Optional<Violation> broken = validated.map(id -> new Violation(InvariantId.byId(id).orElseThrow(), reported.group(2).strip()));
            return mapped(failure, steps, broken, mode, bugs);
        } catch (RuntimeException e) {
            return failure; // the story is best effort: a failure is never lost to it
        }
    }

    /** The failure with its invocation's steps as its trace and, when @Validate reported the violation ({@code broken}), their story. */
    private static RunRecord.Failure mapped(RunRecord.Failure failure, LincheckStepLog.Failing steps, Optional<Violation> broken,
                                            String mode, String bugs) {
        List<RunRecord.TraceStep> trace = steps.steps().stream().map(Step::toRecord).toList();
        RunRecord.Failure mapped = new RunRecord.Failure(failure.invariant(), failure.message(), -1, trace.size(), null, failure.replay(),
                null, 0, trace, null, failure.interleaving(), true, null);
        if (broken.isEmpty()) {
            return mapped;
        }
        int blockPages = configFor(BugSet.parse(bugs).orElse(BugSet.NONE)).vmapBbmapBits();
        int raisedAt = RecordedStory.violating(steps.steps().subList(0, steps.loggedWhenRaised()), steps.raisedBy());
        boolean raised = steps.raisedBy() >= 0 && raisedAt >= 0;
        RecordedStory.Told told = RecordedStory.of(steps.steps(), raised ? raisedAt : trace.size() - 1, raised, broken.get(),
                blockPages, mode.equals("stress") ? STRESS : MODEL_CHECKING);
        return mapped.withIsolation(told.isolation(trace, 0));
    }

    private static final String NOT_REPLAYED = "not tried: a Lincheck scenario is not a workload the controlled scheduler"
            + " replays; Lincheck's own interleaving is printed below";
    /** A model-checking failure's steps: Lincheck's replay of the failing interleaving, one thread at a time. */
    private static final RecordedStory.Source MODEL_CHECKING = new RecordedStory.Source("the invocation Lincheck's model checker"
            + " failed, as its replay of the failing interleaving reached the model's schedule points: one thread ran at a time, so"
            + " this is the interleaving Lincheck printed below, step by step (T0 is the thread that ran the first operation)",
            NOT_REPLAYED);
    /** A stress failure's steps: its threads ran in parallel. */
    private static final RecordedStory.Source STRESS = new RecordedStory.Source("the invocation Lincheck's stress mode failed, in"
            + " the order its threads reached the model's schedule points: they ran in parallel, so events of two threads next to"
            + " each other may have overlapped in time", NOT_REPLAYED);
}
