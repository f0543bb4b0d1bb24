package org.vmapstress.harness.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.vmapstress.harness.BadInput;
import org.vmapstress.harness.CorpusLine;
import org.vmapstress.harness.Explorer;
import org.vmapstress.harness.Shard;
import org.vmapstress.harness.Token;
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.harness.exec.ExecutionResult;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.harness.exec.ModelShape;
import org.vmapstress.model.BugSet;
import org.vmapstress.reports.html.ReportSite;
import org.vmapstress.reports.record.RunRecord;
import org.vmapstress.reports.record.RunRecords;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vmapstress suite}: the main job, within one time budget. Replays the checked-in
 * corpus; runs the jcstress scenarios (the Fixed variants, or those that re-introduce the
 * {@code --bug}s) and the Lincheck checks as child processes, each with a share of the budget
 * and killed when it runs over; then explores under the controlled scheduler (random walk,
 * PCT depth 3) and free-running for the rest of the budget. Every step writes a run record
 * into the output folder; the HTML report is built from the records of this run. Exit 0 when
 * everything is clean, 1 when anything failed.
 */
@Command(name = "suite", description = "The main job: corpus replay, jcstress, Lincheck, controlled and free-running exploration, HTML report.")
final class SuiteCommand implements Callable<Integer> {
    private static final List<String> EXPLORATIONS = List.of("random", "pct3", ExecutionSpec.FREE_RUNNING);
    private static final double[] EXPLORATION_SHARE = {0.4, 0.3, 0.3};
    private static final double JCSTRESS_SHARE = 0.3;
    private static final double LINCHECK_SHARE = 0.2;
    /** jcstress's quick mode costs about a minute per test on two cores (docs/jcstress.md); below that, sanity. */
    private static final Duration QUICK_MODE_PER_TEST = Duration.ofSeconds(60);
    /** Time a child process gets beyond its share before it is killed (JVM start, writing its results). */
    private static final Duration GRACE = Duration.ofSeconds(30);
    /** At most this long is spent shrinking an exploration's failure (out of that exploration's share). */
    private static final Duration SHRINK_BUDGET = Duration.ofSeconds(20);

    @Spec
    private CommandSpec spec;

    @Option(names = "--budget", defaultValue = "5m", converter = DurationConverter.class,
            description = "Time for the whole suite, e.g. 2m, 10m (default: ${DEFAULT-VALUE}).")
    private Duration budget;

    @Option(names = "--out", defaultValue = "target/vmapstress-report",
            description = "Folder for run records and the report (default: ${DEFAULT-VALUE}).")
    private Path out;

    @Option(names = "--bug", paramLabel = "NAME", description = "Run the suite against a re-introduced bug (repeatable).")
    private List<String> bugs = new ArrayList<>();

    @Option(names = "--shard", paramLabel = "K/N", defaultValue = "1/1",
            description = "Run only shard K of N: disjoint executions, jcstress tests and Lincheck modes (default: ${DEFAULT-VALUE}).")
    private String shard;

    @Option(names = "--engines", split = ",", paramLabel = "ENGINE", defaultValue = "corpus,jcstress,lincheck,random,pct3,free",
            description = "Which steps run, comma-separated (default: ${DEFAULT-VALUE}).")
    private List<String> engines;

    @Option(names = "--corpus-file", description = "The checked-in corpus (default: corpus/known.tokens of the project).")
    private Path corpusFile;

    /** The records this run wrote, in order: the report is built from these, not from whatever the folder holds. */
    private final List<RunRecords.Located> written = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException, IOException {
        RunRecords.requireUsable(out);
        Shard part = Shard.parse(shard);
        BugSet bugSet = Token.bugs(String.join(",", bugs));
        BadInput.requireKnown("--engines", engines, List.of("corpus", "jcstress", "lincheck", "random", "pct3", "free"));
        Path home = projectHome();
        StressArtifacts stress = engines.contains("jcstress") || engines.contains("lincheck") ? StressArtifacts.in(home) : null;
        List<CorpusLine> corpus = part.index() == 1 && engines.contains("corpus") ? corpusLines(home) : List.of();
        PrintWriter printer = spec.commandLine().getOut();
        long start = System.nanoTime();
        long deadline = start + budget.toNanos();
        printer.printf("suite: bugs=%s, budget %ds, shard %s -> %s%n", bugSet, budget.toSeconds(), part, out);

        if (!corpus.isEmpty()) {
            record("corpus", CorpusReplay.run(printer, corpus));
        }
        if (engines.contains("jcstress")) {
            jcstress(printer, stress, bugSet, part, share(JCSTRESS_SHARE));
        }
        if (engines.contains("lincheck")) {
            lincheck(printer, stress, bugSet, part, share(LINCHECK_SHARE));
        }
        Duration rest = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
        List<String> explorations = EXPLORATIONS.stream().filter(engines::contains).toList();
        double shares = explorations.stream().mapToDouble(e -> EXPLORATION_SHARE[EXPLORATIONS.indexOf(e)]).sum();
        for (String engine : explorations) {
            double fraction = EXPLORATION_SHARE[EXPLORATIONS.indexOf(engine)] / shares;
            explore(printer, bugSet, part, engine, Duration.ofMillis((long) (rest.toMillis() * fraction)));
        }
        ReportSite.Result report = ReportSite.writeRecords(written, out);
        int failures = report.grading().failures().size();
        boolean clean = report.grading().verdict().equals("clean");
        printer.println();
        printer.printf(Locale.ROOT, "suite: %s in %.0fs; report: %s%n", clean ? "clean" : failures + " failure(s)",
                (System.nanoTime() - start) / 1e9, report.index().toAbsolutePath().normalize());
        return clean ? VmapstressCommand.EXIT_CLEAN : VmapstressCommand.EXIT_VIOLATION;
    }

    private Duration share(double fraction) {
        return Duration.ofMillis((long) (budget.toMillis() * fraction));
    }

    private void record(String folder, RunRecord record) throws IOException {
        written.add(new RunRecords.Located(RunRecords.write(out.resolve(folder), record), record));
    }

    /** jcstress through {@code stress/jcstress-check}: sanity mode unless the share affords quick mode for every test. */
    private void jcstress(PrintWriter printer, StressArtifacts stress, BugSet bugSet, Shard part, Duration share)
            throws IOException, InterruptedException {
        long tests = bugSet.isEmpty() ? StressArtifacts.JCSTRESS_FAMILIES : bugSet.asSet().size();
        String mode = share.compareTo(QUICK_MODE_PER_TEST.multipliedBy((tests + part.count() - 1) / part.count())) >= 0
                ? "quick" : "sanity";
        childRecords(printer, "jcstress", mode, bugSet, part,
                stress.runJcstress(bugSet, mode, part, out.resolve("jcstress").toAbsolutePath(), share.plus(GRACE)));
    }

    /** Lincheck in stress and model-checking mode (LincheckRun in the stress module's tests). */
    private void lincheck(PrintWriter printer, StressArtifacts stress, BugSet bugSet, Shard part, Duration share)
            throws IOException, InterruptedException {
        childRecords(printer, "lincheck", "stress,model-checking", bugSet, part,
                stress.runLincheck(bugSet, part, out.resolve("lincheck").toAbsolutePath(), share.plus(GRACE)));
    }

    /** Takes a child run's records into the report; a child that did not finish is a failure of the suite. */
    private void childRecords(PrintWriter printer, String engine, String mode, BugSet bugSet, Shard part,
                              StressArtifacts.ChildRun run) throws IOException {
        if (!run.finished()) {
            record(engine, StressArtifacts.didNotFinish(engine, bugSet, mode, part, run));
            printer.println(engine + ": FAILED to finish (" + (run.ending().timedOut() ? "over its time" : "exit "
                    + run.ending().exitCode()) + "); see " + run.log());
            return;
        }
        if (run.records().isEmpty()) {
            printer.println(engine + ": nothing to run for bugs=" + bugSet + " in shard " + part + "; skipped");
        }
        for (Path file : run.records()) {
            RunRecord result = RunRecords.read(file);
            written.add(new RunRecords.Located(file, result));
            printer.printf(Locale.ROOT, "%-25s %s in %.0fs -> %s%n", engine + " " + result.configuration().sched(),
                    result.verdict(), result.counts().seconds(), file);
        }
    }

    /**
     * The explorations' workload: the random workload with 3 workers x 20 operations under the
     * controlled scheduler, 4 x 100 free-running. {@code engine} is random, pct3 or free.
     */
    static ExecutionSpec explorationSpec(BugSet bugs, ModelShape shape, String engine, long seed) {
        boolean free = engine.equals(ExecutionSpec.FREE_RUNNING);
        String sched = engine.equals("pct3") ? "pct:3" : engine;
        return new ExecutionSpec(bugs, shape, "random", free ? 4 : 3, free ? 100 : 20, seed, sched, 0);
    }

    private void explore(PrintWriter printer, BugSet bugSet, Shard part, String engine, Duration share)
            throws InterruptedException, IOException {
        ExecutionSpec template = explorationSpec(bugSet, ModelShape.firstCpus(4), engine, 0x5eed);
        Execution execution = new Execution(RunCommand.WATCHDOG, RunCommand.STEP_LIMIT);
        Explorer.Summary summary = new Explorer(execution).explore(template, part, Long.MAX_VALUE, share, progress -> { });
        Duration left = share.minus(summary.elapsed());
        Token shrunk = RunReporting.shrink(execution, summary, left.compareTo(SHRINK_BUDGET) < 0 ? left : SHRINK_BUDGET);
        RunRecord result = RunReporting.record(template, summary, part, Long.MAX_VALUE, share, shrunk);
        record(engine, result);
        printer.printf(Locale.ROOT, "%-16s %s: %d executions in %.1fs%n", result.engine(), summary.failed() ? "FAILED" : "clean",
                summary.executions(), summary.elapsed().toMillis() / 1000.0);
        for (RunRecord.Failure failure : result.failures()) {
            printer.println("  " + failure.message());
            printer.println("  " + (failure.replay() != null ? failure.replay() : "(seen free-running, not found again under control)"));
            if (failure.shrunkToken() != null) {
                printer.println("  shrunk: " + failure.shrunkToken());
            }
        }
    }

    private List<CorpusLine> corpusLines(Path home) throws IOException {
        Path file = corpusFile != null ? corpusFile : home.resolve("corpus").resolve("known.tokens");
        if (!Files.isRegularFile(file)) {
            throw new BadInput("corpus file " + file + " not found (give one with --corpus-file)");
        }
        return CorpusLine.read(file);
    }

    /** The project root the launcher names (VMAPSTRESS_HOME), else the working folder. */
    static Path projectHome() {
        String home = System.getenv("VMAPSTRESS_HOME");
        return Path.of(home == null ? "." : home).toAbsolutePath().normalize();
    }

    /** Checks the corpus replays as recorded, as a run record of engine "corpus" (one failure per mismatch). */
    static final class CorpusReplay {
        private CorpusReplay() {
        }

        static RunRecord run(PrintWriter printer, List<CorpusLine> lines) throws InterruptedException {
            Execution execution = new Execution(RunCommand.WATCHDOG, RunCommand.STEP_LIMIT);
            List<RunRecord.Failure> mismatches = new ArrayList<>();
            long start = System.nanoTime();
            long steps = 0;
            for (CorpusLine line : lines) {
                Token token = Token.parse(line.token());
                ExecutionResult result = execution.run(token.spec());
                steps += result.steps();
                String stale = token.staleness(result);
                String outcome = result.failed() ? result.failureId() : "clean";
                if (stale != null || !outcome.equals(line.expected())) {
                    String message = stale != null ? stale : "expected " + line.expected() + ", got " + outcome;
                    printer.println("corpus: MISMATCH " + message + ": " + line.token());
                    mismatches.add(new RunRecord.Failure("CORPUS-MISMATCH", message, token.spec().exec(), -1, line.token(),
                            token.replayLine(), null, 0, null, null, null));
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            printer.printf("corpus: %d of %d known executions replayed as recorded%n", lines.size() - mismatches.size(), lines.size());
            RunRecord.Configuration configuration = new RunRecord.Configuration("none", "corpus/known.tokens", 0, 0, null, null,
                    "replay", "1/1", lines.size(), 0);
            return RunRecord.of("corpus", configuration, new RunRecord.Counts(lines.size(), steps, seconds), mismatches, null);
        }
    }
}
