package org.vmapstress.harness.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.vmapstress.harness.BadInput;
import org.vmapstress.harness.BoundedSearch;
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.harness.exec.ModelShape;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;
import org.vmapstress.reports.Grading;
import org.vmapstress.reports.html.ReportSite;
import org.vmapstress.reports.record.RunRecord;
import org.vmapstress.reports.record.RunRecords;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vmapstress bench}: the engines side by side, on equal workloads (run's defaults, 3
 * workers x 20 random operations, for every engine, free-running included) and the zoo's
 * profiles (CPUs 0-3, CPUs {0, 2}). For each zoo bug and engine, {@code --seeds} detection runs
 * (seed 0x5eed + i), each until the first failure or its budget: median executions and
 * seconds to the first detection over the seeds that found it. On the fixed model, one run per
 * engine for {@code --throughput}: executions/s and schedule points/s. Then the exhaustive
 * search on each named scenario with and without partial-order reduction, up to
 * {@code --dfs-bound} preemptions: the schedules each ran, and their ratio. Every run writes a
 * run record; the report draws the bug x engine matrix and the coverage table, and the tables
 * are printed with each engine's ratio to the last engine asked for.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = {"Engines side by side on equal workloads: executions and"
        + " seconds to the first detection of each zoo bug (median over seeds), and executions/s and schedule points/s on the fixed model.",
        "", VmapstressCommand.VERDICTS})
final class BenchCommand implements Callable<Integer> {
    static final List<String> ENGINES = List.of("random", "pct3", "pos", "free", FrayPeer.ENGINE);
    private static final int THREADS = 3;
    private static final int OPS = 20;
    /** The most time one exhaustive search of the reduction table has. */
    private static final long SEARCH_MINUTES = 10;

    @Spec
    private CommandSpec spec;

    @Option(names = "--engines", split = ",", paramLabel = "ENGINE", defaultValue = "random,pct3,pos,free,fray",
            description = "Engines to compare, comma-separated; ratios are to the last one (default: ${DEFAULT-VALUE};"
                    + " fray is left out, with a line that says why, where it cannot run).")
    private List<String> engines;

    @Option(names = "--seeds", defaultValue = "10", description = "Detection runs per bug and engine (default: ${DEFAULT-VALUE}).")
    private int seeds;

    @Option(names = "--bug", paramLabel = "NAME", description = "Only these bugs (repeatable; default: the whole zoo).")
    private List<String> bugs = new ArrayList<>();

    @Option(names = "--budget-per-run", defaultValue = "10s", converter = DurationConverter.class,
            description = "Time each detection run has to find its bug (default: ${DEFAULT-VALUE}).")
    private Duration budget;

    @Option(names = "--throughput", defaultValue = "10s", converter = DurationConverter.class,
            description = "Time each engine runs on the fixed model for its executions/s (default: ${DEFAULT-VALUE}).")
    private Duration throughput;

    @Option(names = "--dfs-bound", paramLabel = "K", defaultValue = "2",
            description = "Preemption bound of the exhaustive searches, with and without partial-order reduction, on each named"
                    + " scenario; -1 leaves them out (default: ${DEFAULT-VALUE}).")
    private int dfsBound;

    @Option(names = "--out", defaultValue = "target/vmapstress-bench", description = "Folder for run records and the report (default: ${DEFAULT-VALUE}).")
    private Path out;

    private final List<RunRecords.Located> records = new ArrayList<>();

    @Override
    public Integer call() throws IOException, InterruptedException {
        RunRecords.requireUsable(out);
        requireKnown();
        List<Bug> chosen = bugs.isEmpty() ? Bug.zoo() : SwitchOptions.bugsNamed(bugs);
        PrintWriter printer = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<FrayPeer> fray = engines.contains(FrayPeer.ENGINE)
                ? FrayPeer.prepare(SuiteCommand.projectHome(), out, printer) : Optional.empty();
        List<String> running = engines.stream().filter(e -> !e.equals(FrayPeer.ENGINE) || fray.isPresent()).toList();
        Map<String, RunRecord> fixed = new LinkedHashMap<>();
        for (String engine : running) {
            boolean peer = engine.equals(FrayPeer.ENGINE);
            fixed.put(engine, peer ? frayRuns(fray.get(), BugSet.NONE, 1, throughput).get(0)
                    : keep(BugSet.NONE, engine, "throughput", ZooCommand.detectionRun(profiles(BugSet.NONE, engine, 0), engine,
                            throughput, Duration.ZERO, err)));
            for (Bug bug : chosen) {
                if (peer) {
                    frayRuns(fray.get(), BugSet.of(bug), seeds, budget);
                } else {
                    for (int seed = 0; seed < seeds; seed++) {
                        keep(BugSet.of(bug), engine, "seed-" + seed, ZooCommand.detectionRun(profiles(BugSet.of(bug), engine, seed),
                                engine, budget, Duration.ZERO, err));
                    }
                }
                printer.printf(Locale.ROOT, "bench: %-20s %-6s %d seeds done%n", bug.cliName(), engine, seeds);
                printer.flush();
            }
        }
        ReportSite.Result report = ReportSite.writeRecords(List.copyOf(records), out);
        printer.println();
        RunRecord baseline = List.copyOf(fixed.values()).get(fixed.size() - 1);
        printDetection(printer, report.grading().matrix(), baseline.engine());
        printer.println();
        printThroughput(printer, fixed, baseline);
        if (dfsBound >= 0) {
            printer.println();
            printReduction(printer);
        }
        printer.printf(Locale.ROOT, "%nbench: %s; report: %s%n", report.grading().headline(), report.index().toAbsolutePath().normalize());
        return report.grading().verdict().exitCode();
    }

    private void requireKnown() {
        BadInput.requireKnown("--engines", engines, ENGINES);
        if (seeds < 1 || seeds > 100) {
            throw new BadInput("--seeds " + seeds + " is out of range (1 to 100)");
        }
        if (dfsBound < -1 || dfsBound > 10) {
            throw new BadInput("--dfs-bound " + dfsBound + " is out of range (-1 to 10)");
        }
        if (budget.isZero() || budget.isNegative() || throughput.isZero() || throughput.isNegative()) {
            throw new BadInput("--budget-per-run and --throughput must be positive");
        }
    }

    /** The zoo's profiles, with the same workload for every engine: 3 workers x 20 random operations. */
    static List<ExecutionSpec> profiles(BugSet bugSet, String engine, int seed) {
        return ModelShape.ZOO_PROFILES.stream().map(shape -> new ExecutionSpec(bugSet, shape, ExecutionSpec.RANDOM_SCENARIO, THREADS, OPS,
                        0x5eed + seed, SuiteCommand.schedOf(engine), 0))
                .toList();
    }

    /**
     * Fray's searches of seeds 0 to {@code count - 1} on {@code bugSet}, each for {@code each}: one
     * detection record per seed, or one saying the run did not finish.
     */
    private List<RunRecord> frayRuns(FrayPeer fray, BugSet bugSet, int count, Duration each) throws IOException, InterruptedException {
        Path dir = out.resolve(bugSet.toString()).resolve(FrayPeer.ENGINE).toAbsolutePath();
        StressArtifacts.ChildRun run = fray.run(bugSet, 0, count, dir, each);
        List<RunRecord> kept = new ArrayList<>();
        List<String> expected = ZooCommand.expected(bugSet, FrayPeer.ENGINE);
        for (StressArtifacts.Kept record : run.forDetection(FrayPeer.ENGINE, bugSet, FrayPeer.MODE, expected)) {
            kept.add(keepAt(record.dir(), record.name(), record.record()));
        }
        return kept;
    }

    private RunRecord keep(BugSet bugSet, String engine, String run, RunRecord record) throws IOException {
        return keepAt(out.resolve(bugSet.toString()).resolve(engine).resolve(run), "run.json", record);
    }

    private RunRecord keepAt(Path dir, String name, RunRecord record) throws IOException {
        synchronized (records) {
            records.add(new RunRecords.Located(RunRecords.write(dir, name, record), record));
        }
        return record;
    }

    /**
     * Per bug and engine: median executions (and seconds) to the first detection, how many
     * seeds found it, and the ratio of the median executions to the {@code baseline} engine's
     * (the last asked for; below 1: fewer executions than that engine needed).
     */
    private void printDetection(PrintWriter printer, Grading.Matrix matrix, String baseline) {
        List<String> columns = matrix.engines();
        StringBuilder header = new StringBuilder(String.format("%-20s", "executions to find"));
        columns.forEach(e -> header.append(String.format(" %-28s", e)));
        printer.println(header + "   (median over seeds; xR: R times " + baseline + "'s executions)");
        matrix.rows().forEach((bugs, row) -> {
            if (matrix.fixed(bugs)) {
                return;
            }
            Grading.Cell base = row.get(baseline);
            StringBuilder line = new StringBuilder(String.format("%-20s", bugs));
            for (String engine : columns) {
                Grading.Cell cell = row.get(engine);
                line.append(String.format(" %-28s", cell == null ? "-" : describe(cell, base)));
            }
            printer.println(line);
        });
    }

    private static String describe(Grading.Cell cell, Grading.Cell base) {
        if (!cell.anyFound()) {
            return "not found 0/" + cell.runs();
        }
        String ratio = base == null || !base.anyFound() || base.medianExecutions() == 0 ? ""
                : String.format(Locale.ROOT, " x%.2f", (double) cell.medianExecutions() / base.medianExecutions());
        return String.format(Locale.ROOT, "%d %.1fs %d/%d%s", cell.medianExecutions(), cell.medianSeconds(), cell.found(), cell.runs(), ratio);
    }

    /** Executions/s and schedule points/s of each engine on the fixed model, and their ratio to {@code base}'s. */
    private static void printThroughput(PrintWriter printer, Map<String, RunRecord> fixed, RunRecord base) {
        printer.printf(Locale.ROOT, "%-20s %14s %16s %8s   (fixed model, %s workload)%n", "throughput", "executions/s", "points/s",
                "ratio", THREADS + " x " + OPS);
        fixed.forEach((engine, record) -> printer.printf(Locale.ROOT, "%-20s %14.0f %16s %7.2fx%s%n", engine, perSecond(record, false),
                record.counts().schedulePoints() == 0 ? "n/a" : String.format(Locale.ROOT, "%.0f", perSecond(record, true)),
                perSecond(record, false) / Math.max(1e-9, perSecond(base, false)),
                record.failures().isEmpty() ? "" : "  FALSE ALARM: " + record.failures().get(0).invariant()));
    }

    /**
     * Each named scenario searched up to {@code --dfs-bound} preemptions on the fixed model, every
     * schedule and then one of each class of equivalent ones (partial-order reduction), side by
     * side in this run: the schedules, seconds, and how many times fewer the reduced search ran.
     * Each search has at most {@value #SEARCH_MINUTES} minutes; a capped one says so.
     */
    private void printReduction(PrintWriter printer) throws IOException, InterruptedException {
        printer.printf(Locale.ROOT, "%-24s %22s %22s %8s   (--sched dfs --preemptions %d, fixed model)%n", "schedules", "every schedule",
                "dpor", "fewer", dfsBound);
        Execution execution = new Execution(RunCommand.WATCHDOG, RunCommand.STEP_LIMIT);
        for (ExhaustiveRuns.Planned planned : ExhaustiveRuns.SUITE) {
            ExecutionSpec template = ExhaustiveRuns.template(BugSet.NONE, planned.scenario());
            BoundedSearch.Summary plain = search(execution, template, false, planned.scenario() + "-every");
            BoundedSearch.Summary reduced = search(execution, template, true, planned.scenario() + "-dpor");
            printer.printf(Locale.ROOT, "%-24s %22s %22s %7.1fx%n", planned.scenario(), searched(plain), searched(reduced),
                    (double) plain.schedules() / Math.max(1, reduced.schedules()));
            printer.flush();
        }
    }

    private BoundedSearch.Summary search(Execution execution, ExecutionSpec template, boolean reduced, String run)
            throws IOException, InterruptedException {
        Duration limit = Duration.ofMinutes(SEARCH_MINUTES);
        BoundedSearch.Summary summary = ExhaustiveRuns.search(execution, template, dfsBound, reduced, Long.MAX_VALUE, limit, p -> { });
        keep(BugSet.NONE, "dfs", run, ExhaustiveRuns.record(template, summary, reduced, Long.MAX_VALUE, limit, null));
        return summary;
    }

    private static String searched(BoundedSearch.Summary summary) {
        return String.format(Locale.ROOT, "%d in %.1fs%s", summary.schedules(), summary.elapsed().toMillis() / 1000.0,
                summary.complete() ? "" : " capped");
    }

    private static double perSecond(RunRecord record, boolean points) {
        RunRecord.Counts c = record.counts();
        return (points ? c.schedulePoints() : c.executions()) / Math.max(1e-9, c.seconds());
    }
}
