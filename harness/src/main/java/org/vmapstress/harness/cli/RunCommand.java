package org.vmapstress.harness.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.vmapstress.harness.BadInput;
import org.vmapstress.harness.BoundedSearch;
import org.vmapstress.harness.Explorer;
import org.vmapstress.harness.PartialOrderSearch;
import org.vmapstress.harness.Shard;
import org.vmapstress.harness.Token;
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.harness.exec.FlightRecorder;
import org.vmapstress.harness.sched.WorkerThreads;
import picocli.CommandLine.Command;
import org.vmapstress.reports.Verdict;
import org.vmapstress.reports.record.Published;
import org.vmapstress.reports.record.RunRecord;
import org.vmapstress.reports.record.RunRecords;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code vmapstress run}: controlled exploration of one configuration; a failure prints its replay line. */
@Command(name = "run", mixinStandardHelpOptions = true, description = {
        "Explore one configuration under the controlled scheduler until a violation, the iteration count or the budget.", "",
        VmapstressCommand.VERDICTS})
final class RunCommand implements Callable<Integer> {
    static final Duration WATCHDOG = Duration.ofSeconds(20);
    /**
     * How far past its budget a run may go before its watchdog stops it: the exploration's own
     * overrun (the execution in flight, a late failure's re-search) and a moment to write its record.
     */
    private static final Duration OVERRUN = Explorer.OVERRUN.plusSeconds(2);
    static final long STEP_LIMIT = 200_000;
    /** The most a failure's isolation (its failure-inducing ordering, FailureIsolation) adds after the run's budget. */
    static final Duration ISOLATION_BUDGET = Duration.ofSeconds(5);
    @Spec
    private CommandSpec spec;

    @Mixin
    private SwitchOptions switches;

    @Option(names = "--scenario", defaultValue = "random", description = "random, or a named scenario (default: ${DEFAULT-VALUE}).")
    private String scenario;

    @Option(names = "--threads", defaultValue = "3", description = "Worker threads (default: ${DEFAULT-VALUE}).")
    private int threads;

    @Option(names = "--ops", defaultValue = "20", description = "Operations per worker; with --scenario, its first N per worker (default: ${DEFAULT-VALUE}).")
    private int ops;

    @Option(names = "--record", paramLabel = "N", defaultValue = "" + FlightRecorder.DEFAULT_EVENTS,
            description = "Free-running: the last N events of each worker become a failure's recorded interleaving (0: no flight recorder;"
                    + " default: ${DEFAULT-VALUE}).")
    private int record;

    @Option(names = "--cpus", defaultValue = "4",
            description = "Possible CPUs: a count, or ids with gaps such as 0,2 (default: ${DEFAULT-VALUE}).")
    private String cpus;

    @Option(names = "--va-pages", defaultValue = "8192",
            description = "The vmalloc space in pages, a multiple of the block size (default: ${DEFAULT-VALUE}).")
    private long vaPages;

    @Option(names = "--frames", defaultValue = "1024", description = "Page frames in the pool (default: ${DEFAULT-VALUE}).")
    private long frames;

    @Option(names = "--seed", defaultValue = "0x5eed", description = "Seed of the run, decimal or 0x-hex (default: ${DEFAULT-VALUE}).")
    private String seed;

    @Option(names = "--sched", defaultValue = "random",
            description = "random, pct:D or pos (controlled, replayable; add +migrate to let the scheduler move workers to another CPU"
                    + " inside operations, e.g. pos+migrate), free (parallel threads; failures re-searched under control), or dfs"
                    + " (every schedule of one workload, up to --preemptions; ends complete or capped) (default: ${DEFAULT-VALUE}).")
    private String sched;

    /** {@code --reduction none}: plain depth-first search. */
    private static final String NO_REDUCTION = "none";

    @Option(names = "--preemptions", paramLabel = "K",
            description = "With --sched dfs: explore every schedule with at most K preemptions, smaller K first (default: no bound).")
    private Integer preemptions;

    @Option(names = "--reduction", paramLabel = "dpor|none",
            description = "With --sched dfs: dpor explores one schedule of each class of schedules that differ only in the order of"
                    + " independent steps (source-set DPOR; with --preemptions, bounded partial-order reduction), none every schedule"
                    + " (default: dpor).")
    private String reduction;

    @Option(names = "--iterations", defaultValue = "100000", description = "Executions at most (default: ${DEFAULT-VALUE}).")
    private long iterations;

    @Option(names = "--budget", defaultValue = "60s", converter = DurationConverter.class,
            description = "Wall-clock budget, e.g. 30s, 2m (default: ${DEFAULT-VALUE}).")
    private Duration budget;

    @Option(names = "--shard", paramLabel = "K/N", defaultValue = "1/1",
            description = "Run only shard K of N of the executions (disjoint parts of the seed space; default: ${DEFAULT-VALUE}).")
    private String shard;

    @Option(names = "--out", paramLabel = "DIR", description = "Write the run record (DIR/run.json) for the report (default: none, no record).")
    private Path out;

    @Option(names = "--corpus", defaultValue = "target/vmapstress-corpus",
            description = "Folder whose found.tokens gets every failure's token appended (default: ${DEFAULT-VALUE}).")
    private Path corpus;

    @Override
    public Integer call() throws InterruptedException, IOException {
        ExecutionSpec template = template();
        Shard part = Shard.parse(shard);
        if (this.out != null) {
            RunRecords.requireUsable(this.out);
        }
        Published.requireWritable("--corpus", corpus);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("run: bugs=%s scenario=%s threads=%d ops=%d model=%s seed=%s sched=%s budget=%ds%n", template.bugs(),
                template.scenario(), threads, ops, template.model(), seed, template.sched(), budget.toSeconds());
        if (!part.equals(Shard.ALL)) {
            out.println("shard " + part + ": executions " + part.exec(0, 0) + ", " + part.exec(0, 1) + ", " + part.exec(0, 2) + ", ...");
        }
        boolean terminal = System.console() != null;
        if (exhaustive()) {
            return search(template, out, terminal);
        }
        AtomicReference<Explorer.Summary> latest = new AtomicReference<>();
        Explorer.Summary summary;
        try (Interruption ignored = Interruption.arm(spec.commandLine().getErr(), "run", budget.plus(OVERRUN),
                why -> interrupted(template, part, latest.get(), why))) {
            summary = new Explorer(new Execution(WATCHDOG, STEP_LIMIT), record).explore(template, part, iterations, budget, progress -> {
                latest.set(progress);
                progressLine(out, progress, terminal);
            });
        }
        if (terminal) {
            out.println();
        }
        printCounts(out, template, summary);
        RunRecord.Isolation isolation = RunReporting.isolate(new Execution(WATCHDOG, STEP_LIMIT), summary, null, ISOLATION_BUDGET,
                spec.commandLine().getErr());
        RunRecord record = RunReporting.record(template, summary, part, iterations, budget, null, isolation);
        if (summary.failed()) {
            RunReporting.report(out, summary, corpus, record.failures().isEmpty() ? null : record.failures().get(0).isolation());
        } else if (summary.last() != null) {
            out.println("last execution: " + Token.of(summary.last()).format());
        }
        writeRecord(record);
        record.incomplete().forEach(u -> out.println("could not judge: " + u));
        out.println(record.graded() == Verdict.CLEAN ? "clean: no violation" : record.verdict());
        return record.graded().exitCode();
    }

    /**
     * {@code --sched dfs}: every schedule of the workload up to the preemption bound
     * ({@link BoundedSearch}); clean only when complete, incomplete when capped, a violation
     * with the number of violating schedules up to the bound it was found at.
     */
    private int search(ExecutionSpec template, PrintWriter out, boolean terminal) throws InterruptedException {
        int bound = preemptions == null ? BoundedSearch.UNBOUNDED : preemptions;
        AtomicReference<BoundedSearch.Summary> latest = new AtomicReference<>();
        BoundedSearch.Summary summary;
        try (Interruption ignored = Interruption.arm(spec.commandLine().getErr(), "run", budget.plus(OVERRUN),
                why -> interrupted(template, Shard.ALL, latest.get() == null ? null : latest.get().asExploration(), why))) {
            Consumer<BoundedSearch.Summary> progress = p -> {
                latest.set(p);
                searchProgressLine(out, p, terminal);
            };
            summary = ExhaustiveRuns.search(new Execution(WATCHDOG, STEP_LIMIT), template, bound, reduced(), iterations, budget, progress);
        }
        if (terminal) {
            out.println();
        }
        printCounts(out, template, summary.asExploration());
        RunRecord.Isolation isolation = RunReporting.isolate(new Execution(WATCHDOG, STEP_LIMIT), summary.asExploration(), null,
                ISOLATION_BUDGET, spec.commandLine().getErr());
        RunRecord record = ExhaustiveRuns.record(template, summary, reduced(), iterations, budget, isolation);
        if (summary.failure() != null) {
            RunReporting.report(out, summary.failure(), corpus, isolation);
        }
        String violating = ExhaustiveRuns.violatingLine(summary, reduced());
        if (violating != null) {
            out.println(violating);
        }
        writeRecord(record);
        record.incomplete().forEach(u -> out.println("could not judge: " + u));
        out.println(record.exhaustive().summary());
        out.println(record.graded() == Verdict.CLEAN ? "clean: no violation" : record.verdict());
        return record.graded().exitCode();
    }

    private boolean exhaustive() {
        return sched.equals(BoundedSearch.SCHED);
    }

    /** Whether this dfs run is reduced: unless --reduction none. */
    private boolean reduced() {
        return exhaustive() && !NO_REDUCTION.equals(reduction);
    }

    private void searchProgressLine(PrintWriter out, BoundedSearch.Summary progress, boolean terminal) {
        long left = Math.max(0, budget.minus(progress.elapsed()).toSeconds());
        String line = reduced()
                ? String.format("%d schedules (dpor), %d violating, %ds left", progress.schedules(), progress.violating(), left)
                : String.format("%d schedules, bound %d complete, %d violating, %ds left", progress.schedules(), progress.explored(),
                        progress.violating(), left);
        if (terminal) {
            out.print("\r" + line + "   ");
            out.flush();
        } else {
            out.println("  ... " + line);
        }
    }

    private void printCounts(PrintWriter out, ExecutionSpec template, Explorer.Summary summary) {
        if (template.freeRunning()) {
            out.printf("%d free-running executions in %.1fs (%.0f executions/s)%s%n", summary.executions(),
                    summary.elapsed().toMillis() / 1000.0, summary.executionsPerSecond(), summary.budgetSpent() ? ", budget spent" : "");
        } else {
            out.printf("%d executions, %d schedule points in %.1fs (%.0f executions/s, %.0f points/s, %s workers)%s%n",
                    summary.executions(), summary.steps(), summary.elapsed().toMillis() / 1000.0, summary.executionsPerSecond(),
                    summary.stepsPerSecond(), WorkerThreads.kind(), summary.budgetSpent() ? ", budget spent" : "");
        }
    }

    /** Writes the run record when asked to; a record that cannot be written is said, and nothing else is lost. */
    private void writeRecord(RunRecord record) {
        if (out == null) {
            return;
        }
        try {
            spec.commandLine().getOut().println("run record: " + RunRecords.write(out, record));
        } catch (IOException | RuntimeException e) {
            spec.commandLine().getErr().println("vmapstress: could not write the run record into " + out + ": " + e);
        }
    }

    /**
     * Stopped by a signal or the watchdog: the executions so far, as an incomplete record, or as a
     * violation when a free-running one was seen (and its re-search was cut short).
     */
    private Verdict interrupted(ExecutionSpec template, Shard part, Explorer.Summary progress, String why) {
        Explorer.Summary sofar = progress != null ? progress : new Explorer.Summary(0, 0, Duration.ZERO, null, false, null, null);
        spec.commandLine().getOut().printf("run: %d executions before it stopped, %s%n", sofar.executions(),
                sofar.free() != null ? "the last one failed: " + sofar.free().end().detail() : "no violation among them");
        RunRecord record = RunReporting.record(template, sofar, part, iterations, budget, null)
                .withIncomplete(List.of(new RunRecord.Unfinished("run", why, "run it again")));
        writeRecord(record);
        return record.graded();
    }

    /** On a terminal one line rewritten in place; otherwise a plain line each time (about once a second). */
    private void progressLine(PrintWriter out, Explorer.Summary progress, boolean terminal) {
        long left = Math.max(0, budget.minus(progress.elapsed()).toSeconds());
        // every execution that ends clean ran all of its workers' operations
        String line = String.format("%d executions, %.0f executions/s, %.0f operations/s, %d failures, %ds left", progress.executions(),
                progress.executionsPerSecond(), progress.executionsPerSecond() * threads * ops, progress.failed() ? 1 : 0, left);
        if (terminal) {
            out.print("\r" + line + "   ");
            out.flush();
        } else {
            out.println("  ... " + line);
        }
    }

    private ExecutionSpec template() {
        requireRange("--threads", threads, 1, ExecutionSpec.MAX_THREADS);
        requireRange("--ops", ops, 1, ExecutionSpec.MAX_OPS);
        requireRange("--record", record, 0, FlightRecorder.MAX_EVENTS);
        requireRange("--iterations", iterations, 1, Long.MAX_VALUE);
        if (preemptions != null && !exhaustive()) {
            throw new BadInput("--preemptions bounds --sched dfs only (this run's --sched is " + Token.abbreviate(sched) + ")");
        }
        if (reduction != null && !exhaustive()) {
            throw new BadInput("--reduction applies to --sched dfs only (this run's --sched is " + Token.abbreviate(sched) + ")");
        }
        if (reduction != null && !reduction.equals(PartialOrderSearch.DPOR) && !reduction.equals(NO_REDUCTION)) {
            throw new BadInput("--reduction '" + reduction + "' is not one of: dpor, none");
        }
        if (exhaustive()) {
            requireRange("--preemptions", preemptions == null ? 0 : preemptions, 0, 1000);
            if (!shard.equals("1/1")) {
                throw new BadInput("--shard does not split --sched dfs (its schedules are one search)");
            }
        }
        long seedValue;
        try {
            seedValue = seed.startsWith("0x") ? Long.parseUnsignedLong(seed.substring(2), 16) : Long.parseLong(seed);
        } catch (NumberFormatException e) {
            throw new BadInput("--seed '" + seed + "' is not a number (decimal or 0x-hex)");
        }
        return new ExecutionSpec(switches.switches(), Token.shape(Token.cpus(cpus), vaPages, frames), Token.scenario(scenario), threads, ops, seedValue,
                exhaustive() ? BoundedSearch.SCHED : Token.sched(sched), 0);
    }

    private static void requireRange(String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new BadInput(option + " " + value + " is out of range (" + min + " to " + max + ")");
        }
    }

}
