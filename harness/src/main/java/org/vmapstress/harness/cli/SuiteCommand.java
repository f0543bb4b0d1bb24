package org.vmapstress.harness.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.vmapstress.harness.BadInput;
import org.vmapstress.harness.BoundedSearch;
import org.vmapstress.harness.CorpusLine;
import org.vmapstress.harness.Explorer;
import org.vmapstress.harness.Shard;
import org.vmapstress.harness.Token;
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.harness.exec.ModelShape;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;
import org.vmapstress.reports.Verdict;
import org.vmapstress.reports.html.ReportSite;
import org.vmapstress.reports.record.RunRecord;
import org.vmapstress.reports.record.RunRecords;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code vmapstress suite}: the main job, within one time budget planned before it starts
 * ({@link SuitePlan}). Replays the checked-in corpus; runs the jcstress scenarios (the Fixed
 * variants, or those that re-introduce the {@code --bug}s) and the Lincheck checks as child
 * processes, each sized to its share and ended where the later steps' needs begin; then explores under the
 * controlled scheduler (random walk, PCT depth 3) and free-running for the rest of the budget.
 * Every step writes a run record into the output folder, and so does the suite itself
 * ({@code suite/run.json}: written "incomplete" when it starts, rewritten at its end, so a
 * folder whose suite was killed never reads clean). The HTML report and {@code junit.xml} are
 * built from the records of this run; the exit code is their verdict ({@link Verdict}). A
 * watchdog ends the suite, incomplete, {@value #WATCHDOG_SLACK_SECONDS} s after its budget.
 */
@Command(name = "suite", mixinStandardHelpOptions = true,
        description = {"The main job: corpus replay, jcstress, Lincheck, controlled and free-running exploration, HTML report"
                + " and junit.xml, within one time budget.", "", VmapstressCommand.VERDICTS})
final class SuiteCommand implements Callable<Integer> {
    /** At most this long is spent shrinking an exploration's failure (out of that exploration's share). */
    private static final Duration SHRINK_BUDGET = Duration.ofSeconds(20);
    private static final long WATCHDOG_SLACK_SECONDS = 5;

    @Spec
    private CommandSpec spec;

    @Option(names = "--budget", defaultValue = "5m", converter = DurationConverter.class,
            description = "Time for the whole suite, e.g. 3m, 10m; below the steps' minimum is refused, naming it (default: ${DEFAULT-VALUE}).")
    private Duration budget;

    @Option(names = "--out", defaultValue = "target/vmapstress-report",
            description = "Folder for run records, the report and junit.xml (default: ${DEFAULT-VALUE}).")
    private Path out;

    @Mixin
    private SwitchOptions switches;

    @Option(names = "--shard", paramLabel = "K/N", defaultValue = "1/1",
            description = "Run only shard K of N: disjoint executions, jcstress tests and Lincheck modes (default: ${DEFAULT-VALUE}).")
    private String shard;

    @Option(names = "--engines", split = ",", paramLabel = "ENGINE", defaultValue = "corpus,jcstress,lincheck,exhaustive,random,pct3,pos,free,races",
            description = "Which steps run, comma-separated (default: ${DEFAULT-VALUE}).")
    private List<String> engines;

    @Option(names = "--corpus-file", paramLabel = "FILE",
            description = "The checked-in corpus (default: corpus/known.tokens of the project).")
    private Path corpusFile;

    /** The records this run wrote, in order: the report is built from these, not from whatever the folder holds. */
    private final List<RunRecords.Located> written = new ArrayList<>();

    @Override
    public Integer call() throws InterruptedException, IOException {
        Shard part = Shard.parse(shard);
        BugSet bugSet = switches.switches();
        BadInput.requireKnown("--engines", engines, SuitePlan.Engine.names());
        SuitePlan plan = SuitePlan.of(budget, engines, StressArtifacts.jcstressTests(bugSet, part),
                StressArtifacts.lincheckNeeds(part));
        Path home = projectHome();
        List<CorpusLine> corpus = part.index() == 1 && engines.contains("corpus") ? corpusLines(home) : List.of();
        StressArtifacts stress = plan.runs(SuitePlan.Engine.JCSTRESS) || plan.runs(SuitePlan.Engine.LINCHECK)
                ? StressArtifacts.in(home) : null;
        RunRecords.requireUsable(out);
        PrintWriter printer = spec.commandLine().getOut();
        long start = System.nanoTime();
        long deadline = start + budget.toNanos();
        printer.printf("suite: bugs=%s, budget %s, shard %s -> %s%n", bugSet, SuitePlan.seconds(budget), part, out);
        printer.println("plan: " + plan);
        RunRecord.Configuration configuration = new RunRecord.Configuration(bugSet.toString(), "plan: " + plan, 0, 0, null,
                null, "suite", part.toString(), 0, budget.toSeconds());
        recordSuite(configuration, start, List.of(new RunRecord.Unfinished("suite", "started " + Instant.now()
                + " and has not finished: it is running, or was killed or crashed before its end", "run the suite again")));
        List<RunRecord.Unfinished> skipped = java.util.Collections.synchronizedList(new ArrayList<>());
        try (Interruption ignored = Interruption.arm(spec.commandLine().getErr(), "suite",
                budget.plusSeconds(WATCHDOG_SLACK_SECONDS), why -> stopped(configuration, start, List.copyOf(skipped), why))) {
            if (!corpus.isEmpty()) {
                record("corpus", CorpusReplay.run(printer, corpus));
            }
            for (SuitePlan.Engine child : List.of(SuitePlan.Engine.JCSTRESS, SuitePlan.Engine.LINCHECK)) {
                if (plan.runs(child)) {
                    runChild(printer, stress, plan, child, bugSet, part, deadline).ifPresent(skipped::add);
                }
            }
            if (plan.runs(SuitePlan.Engine.EXHAUSTIVE)) {
                exhaustive(printer, plan, bugSet, part, deadline).ifPresent(skipped::add);
            }
            explore(printer, plan, bugSet, part, deadline);
        }
        Verdict verdict = finish(configuration, start, skipped, printer);
        return verdict.exitCode();
    }

    /**
     * Runs a child step: it is sized to its share (jcstress's mode, Lincheck's iterations) but
     * ended only when it would eat into what the later steps need, so a slow or busy machine
     * takes the time from the explorations (which absorb any overrun) instead of leaving the
     * child unjudged. Less time left than the step needs is a skip, said.
     */
    private Optional<RunRecord.Unfinished> runChild(PrintWriter printer, StressArtifacts stress, SuitePlan plan,
                                                              SuitePlan.Engine engine, BugSet bugSet, Shard part, long deadline)
            throws IOException, InterruptedException {
        Duration limit = Duration.ofNanos(deadline - System.nanoTime()).minus(plan.neededAfter(engine));
        Duration target = limit.compareTo(plan.share(engine)) < 0 ? limit : plan.share(engine);
        if (limit.compareTo(plan.needs(engine)) < 0) {
            String why = engine.cliName() + " skipped: " + SuitePlan.seconds(limit) + " left for it, it needs "
                    + SuitePlan.seconds(plan.needs(engine)) + " (earlier steps took longer than planned)";
            printer.println(why);
            return Optional.of(new RunRecord.Unfinished(engine.cliName(), why, "give the suite a larger --budget"));
        }
        Path dir = out.resolve(engine.cliName()).toAbsolutePath();
        if (engine == SuitePlan.Engine.JCSTRESS) {
            String mode = StressArtifacts.jcstressMode(StressArtifacts.jcstressTests(bugSet, part), target);
            childRecords(printer, engine.cliName(), mode, bugSet, part, stress.runJcstress(bugSet, mode, part, dir, limit));
        } else {
            childRecords(printer, engine.cliName(), "stress,model-checking", bugSet, part,
                    stress.runLincheck(bugSet, part, dir, target, limit));
        }
        return Optional.empty();
    }

    /**
     * The named scenarios searched to completion with partial-order reduction
     * ({@link ExhaustiveRuns#SUITE}), each as its own record: complete, capped (incomplete, never
     * clean) or a violation. The step ends where it would eat into what the later steps need, or
     * at {@link ExhaustiveRuns#SLOWER} times what it needs idle (a search that keeps finding a
     * zoo bug's violations does not take the explorations' time). Shard 1 only: one search is
     * not split.
     */
    private Optional<RunRecord.Unfinished> exhaustive(PrintWriter printer, SuitePlan plan, BugSet bugSet, Shard part, long deadline)
            throws InterruptedException, IOException {
        if (part.index() != 1) {
            return Optional.empty();
        }
        Execution execution = new Execution(RunCommand.WATCHDOG, RunCommand.STEP_LIMIT);
        long stepEnd = Math.min(deadline - plan.neededAfter(SuitePlan.Engine.EXHAUSTIVE).toNanos(),
                System.nanoTime() + plan.needs(SuitePlan.Engine.EXHAUSTIVE).multipliedBy(ExhaustiveRuns.SLOWER).toNanos());
        for (ExhaustiveRuns.Planned planned : ExhaustiveRuns.SUITE) {
            Duration limit = Duration.ofNanos(stepEnd - System.nanoTime());
            if (limit.isNegative() || limit.isZero()) {
                String why = "exhaustive " + planned.scenario() + " skipped: no time left for it (earlier steps took longer than planned)";
                printer.println(why);
                return Optional.of(new RunRecord.Unfinished("exhaustive", why, "give the suite a larger --budget"));
            }
            ExecutionSpec template = ExhaustiveRuns.template(bugSet, planned.scenario());
            BoundedSearch.Summary summary = ExhaustiveRuns.search(execution, template, planned.bound(), true, Long.MAX_VALUE, limit,
                    progress -> { });
            Duration left = Duration.ofNanos(stepEnd - System.nanoTime());
            RunRecord.Isolation isolation = RunReporting.isolate(execution, summary.asExploration(), null,
                    left.compareTo(RunCommand.ISOLATION_BUDGET) < 0 ? left : RunCommand.ISOLATION_BUDGET, printer);
            RunRecord result = ExhaustiveRuns.record(template, summary, true, Long.MAX_VALUE, limit, isolation);
            record("exhaustive/" + planned.scenario(), result);
            printer.printf(Locale.ROOT, "%-16s %s in %.1fs%n", "exhaustive", planned.scenario() + ": " + result.exhaustive().summary(),
                    summary.elapsed().toMillis() / 1000.0);
            for (RunRecord.Failure failure : result.failures()) {
                printer.println("  " + failure.message() + "\n  " + failure.replay());
                if (failure.isolation() != null) {
                    RunReporting.isolationLines(failure.isolation()).forEach(line -> printer.println("  " + line));
                }
            }
        }
        return Optional.empty();
    }

    /** The explorations share what is left of the budget (less the reserve) by their planned weights. */
    private void explore(PrintWriter printer, SuitePlan plan, BugSet bugSet, Shard part, long deadline)
            throws InterruptedException, IOException {
        Duration rest = Duration.ofNanos(Math.max(0, deadline - System.nanoTime())).minus(plan.reserve());
        for (SuitePlan.Engine engine : SuitePlan.Engine.values()) {
            if (engine.exploration() && plan.runs(engine)) {
                Duration share = Duration.ofMillis(Math.max(0, (long) (rest.toMillis() * plan.explorationFraction(engine))));
                try {
                    explore(printer, bugSet, part, engine.cliName(), share);
                } catch (RuntimeException | AssertionError e) {
                    crashed(printer, engine.cliName(), bugSet, part, e);
                }
            }
        }
    }

    /**
     * A step that threw (a harness or model defect): said, and recorded as a step that could not
     * judge, so the other steps' records and the report are not lost with it.
     */
    private void crashed(PrintWriter printer, String engine, BugSet bugSet, Shard part, Throwable e) throws IOException {
        printer.println(engine + ": INCOMPLETE (crashed: " + e + ")");
        RunRecord.Configuration configuration = new RunRecord.Configuration(bugSet.toString(), engine, 0, 0, null, null, engine,
                part.toString(), 0, 0);
        record(engine, RunRecord.incomplete(engine, configuration, 0,
                new RunRecord.Unfinished(engine, "crashed: " + e, "report it with the suite's output; run the suite again")));
    }

    /** The suite's own record, the report and junit.xml; prints the verdict line and returns the verdict. */
    private Verdict finish(RunRecord.Configuration configuration, long start, List<RunRecord.Unfinished> skipped,
                           PrintWriter printer) throws IOException {
        recordSuite(configuration, start, skipped);
        ReportSite.Result report = ReportSite.writeRecords(snapshot(), out);
        Verdict verdict = report.grading().verdict();
        printer.println();
        printer.printf(Locale.ROOT, "suite: %s in %.0fs; report: %s%n", report.grading().headline(),
                (System.nanoTime() - start) / 1e9, report.index().toAbsolutePath().normalize());
        report.grading().unfinished().forEach(u -> printer.println("  could not judge: " + u.step()));
        return verdict;
    }

    /**
     * What the signal handler and the watchdog do: the suite's record says why it stopped (and
     * which steps had been skipped), the report is built from what there is, and its verdict is
     * returned (a violation already found stays one).
     */
    private Verdict stopped(RunRecord.Configuration configuration, long start, List<RunRecord.Unfinished> skipped, String why) {
        try {
            List<RunRecord.Unfinished> unfinished = new ArrayList<>(skipped);
            unfinished.add(new RunRecord.Unfinished("suite", why, "run the suite again"));
            recordSuite(configuration, start, unfinished);
            return ReportSite.writeRecords(snapshot(), out).grading().verdict();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private synchronized List<RunRecords.Located> snapshot() {
        return List.copyOf(written);
    }

    private synchronized void recordSuite(RunRecord.Configuration configuration, long start, List<RunRecord.Unfinished> unfinished)
            throws IOException {
        RunRecord suite = RunRecord.of("suite", configuration, new RunRecord.Counts(0, 0, (System.nanoTime() - start) / 1e9),
                List.of(), null).withIncomplete(unfinished);
        Path file = RunRecords.write(out.resolve("suite"), suite);
        written.removeIf(l -> l.file().equals(file));
        written.add(0, new RunRecords.Located(file, suite));
    }

    private synchronized void record(String folder, RunRecord record) throws IOException {
        written.add(new RunRecords.Located(RunRecords.write(out.resolve(folder), record), record));
    }

    /** Takes a child run's records into the report; a child that did not finish is also a step that could not judge. */
    private void childRecords(PrintWriter printer, String engine, String mode, BugSet bugSet, Shard part,
                              StressArtifacts.ChildRun run) throws IOException {
        for (Path file : run.records()) {
            RunRecord result = RunRecords.read(file);
            synchronized (this) {
                written.add(new RunRecords.Located(file, result));
            }
            printer.printf(Locale.ROOT, "%-25s %s in %.0fs -> %s%n", engine + " " + result.configuration().sched(),
                    result.verdict(), result.counts().seconds(), file);
        }
        if (!run.finished()) {
            record(engine, StressArtifacts.didNotFinish(engine, bugSet, mode, part, run));
            printer.println(engine + ": INCOMPLETE (" + (run.ending().timedOut() ? "stopped where the later steps' time begins" : "exit "
                    + run.ending().exitCode()) + "); see " + run.log());
        } else if (run.records().isEmpty()) {
            printer.println(engine + ": nothing to run for bugs=" + bugSet + " in shard " + part + "; skipped");
        }
    }

    /**
     * The explorations' workload: the random workload with 3 workers x 20 operations under the
     * controlled scheduler, 4 x 100 free-running. {@code engine} is random, pct3, pos, free or
     * races (the random walk with the race detector on), or a schedule such as random+migrate.
     */
    static ExecutionSpec explorationSpec(BugSet bugs, ModelShape shape, String engine, long seed) {
        boolean free = engine.equals(ExecutionSpec.FREE_RUNNING);
        BugSet switches = engine.equals(SuitePlan.Engine.RACES.cliName()) ? bugs.plus(BugSet.of(Bug.DATA_RACES)) : bugs;
        return new ExecutionSpec(switches, shape, "random", free ? 4 : 3, free ? 100 : 20, seed, schedOf(engine), 0);
    }

    /** The schedule an exploring engine runs: pct3 is pct:3, races the random walk, the others (random, pos, free, random+migrate) their own name. */
    static String schedOf(String engine) {
        return switch (engine) {
            case "pct3" -> "pct:3";
            case "races" -> "random";
            default -> engine;
        };
    }

    private void explore(PrintWriter printer, BugSet bugSet, Shard part, String engine, Duration share)
            throws InterruptedException, IOException {
        ExecutionSpec template = explorationSpec(bugSet, ModelShape.firstCpus(4), engine, 0x5eed);
        Execution execution = new Execution(RunCommand.WATCHDOG, RunCommand.STEP_LIMIT);
        Explorer.Summary summary = new Explorer(execution).explore(template, part, Long.MAX_VALUE, share, progress -> { });
        Duration left = share.minus(summary.elapsed());
        long shrinkStart = System.nanoTime();
        Token shrunk = RunReporting.shrink(execution, summary, left.compareTo(SHRINK_BUDGET) < 0 ? left : SHRINK_BUDGET,
                spec.commandLine().getErr());
        left = left.minusNanos(System.nanoTime() - shrinkStart);
        RunRecord.Isolation isolation = RunReporting.isolate(execution, summary, shrunk,
                left.compareTo(RunCommand.ISOLATION_BUDGET) < 0 ? left : RunCommand.ISOLATION_BUDGET, spec.commandLine().getErr());
        RunRecord result = RunReporting.record(template, summary, part, Long.MAX_VALUE, share, shrunk, isolation);
        record(engine, result);
        printer.printf(Locale.ROOT, "%-16s %s: %d executions in %.1fs%n", result.engine(), result.verdict(),
                summary.executions(), summary.elapsed().toMillis() / 1000.0);
        for (RunRecord.Failure failure : result.failures()) {
            printer.println("  " + failure.message());
            printer.println("  " + (failure.replay() != null ? failure.replay() : "(seen free-running, not found again under control)"));
            if (failure.shrunkToken() != null) {
                printer.println("  shrunk: " + failure.shrunkToken());
            }
            if (failure.isolation() != null) {
                RunReporting.isolationLines(failure.isolation()).forEach(line -> printer.println("  " + line));
            }
        }
        result.incomplete().forEach(u -> printer.println("  could not judge: " + u));
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
}
