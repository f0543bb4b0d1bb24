package org.vmapstress.harness.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.vmapstress.harness.BadInput;
import org.vmapstress.harness.Explorer;
import org.vmapstress.harness.ProfileExplorer;
import org.vmapstress.harness.Shard;
import org.vmapstress.harness.Token;
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.harness.exec.ModelShape;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;
import org.vmapstress.reports.Grading;
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
 * {@code vmapstress zoo}: every historical bug of the zoo, and the fixed model, under every
 * engine with the same budget each. The explorations use the zoo's workload profiles (the
 * random workload on CPUs 0-3, and on CPUs 0 and 2, a gap in the possible CPUs) in turn; jcstress
 * runs the scenario variants named after the bug (where there is one); Lincheck runs with the
 * bug on. {@code --patch} and {@code --strict} apply to every configuration: the zoo then
 * shows whether a proposed fix keeps every bug findable and the fixed model clean under the
 * stricter judge. Every (bug, engine, seed) writes a run record; the report shows them as the
 * bug x engine matrix. Exit 0 only when every bug is found by at least one engine and nothing
 * is found on the fixed model.
 */
@Command(name = "zoo", mixinStandardHelpOptions = true, description = {"Every zoo bug and the fixed model under every engine: the detection matrix.",
        "", "Exit codes: 0 every bug found and the fixed model clean, 1 a bug missed or anything found on the fixed model,"
        + " 2 bad input, 3 incomplete (no bug missed, but some run could not judge: a bug only such runs tried is undecided)."})
final class ZooCommand implements Callable<Integer> {
    static final List<String> ENGINES = List.of("random", "pct3", "pos", "free", "jcstress", "lincheck", FrayPeer.ENGINE);
    /** Failures of the first seed are shrunk (the minimal token per bug); later seeds only measure detection. */
    private static final Duration SHRINK_BUDGET = Duration.ofSeconds(10);
    private static final Duration GRACE = Duration.ofSeconds(30);

    @Spec
    private CommandSpec spec;

    @Option(names = "--budget-per-bug", defaultValue = "30s", converter = DurationConverter.class,
            description = "Time each engine gets on each bug; jcstress and Lincheck get at least what they need on an idle machine (default: ${DEFAULT-VALUE}).")
    private Duration budget;

    @Option(names = "--engines", split = ",", paramLabel = "ENGINE", defaultValue = "random,pct3,pos,free,jcstress,lincheck",
            description = "Engines to run, comma-separated (default: ${DEFAULT-VALUE}; also fray, Fray as a peer, where a JDK 25 is installed).")
    private List<String> engines;

    @Option(names = "--bug", paramLabel = "NAME", description = "Only these bugs (repeatable; default: the whole zoo).")
    private List<String> bugs = new ArrayList<>();

    @Mixin
    private PatchOptions patchesAndChecks;

    @Option(names = "--seeds", defaultValue = "1",
            description = "Seeds per exploring engine (random, pct3, pos, free), for median detection times (default: ${DEFAULT-VALUE}).")
    private int seeds;

    @Option(names = "--out", defaultValue = "target/vmapstress-zoo", description = "Folder for run records and the report (default: ${DEFAULT-VALUE}).")
    private Path out;

    private final List<RunRecords.Located> records = new ArrayList<>();
    /** Fray, when asked for and available here. */
    private FrayPeer fray;

    @Override
    public Integer call() throws IOException, InterruptedException {
        RunRecords.requireUsable(out);
        requireKnown();
        List<BugSet> configurations = configurations();
        StressArtifacts stress = engines.contains("jcstress") || engines.contains("lincheck")
                ? StressArtifacts.in(SuiteCommand.projectHome()) : null;
        PrintWriter printer = spec.commandLine().getOut();
        fray = engines.contains(FrayPeer.ENGINE) ? FrayPeer.prepare(SuiteCommand.projectHome(), out, printer).orElse(null) : null;
        long start = System.nanoTime();
        try (Interruption ignored = Interruption.arm(spec.commandLine().getErr(), "zoo", watchdog(configurations.size()),
                why -> stopped(why))) {
            for (BugSet bugSet : configurations) {
                for (String engine : engines) {
                    run(printer, stress, bugSet, engine);
                }
            }
        }
        ReportSite.Result report = ReportSite.writeRecords(snapshot(), out);
        Grading.Matrix matrix = report.grading().matrix();
        printer.println();
        printMatrix(printer, matrix);
        printer.printf(Locale.ROOT, "%nzoo: %s in %.0fs; report: %s%n", report.grading().headline(),
                (System.nanoTime() - start) / 1e9, report.index().toAbsolutePath().normalize());
        return report.grading().verdict().exitCode();
    }

    /**
     * A child's time: the per-bug budget, but never less than what the step needs on an idle
     * machine (the suite's measured needs: eight jcstress tests or Lincheck's model checking
     * need more than the default 30 s, and a cut-off child could not judge).
     */
    private static Duration atLeast(Duration budget, long neededSeconds) {
        Duration needed = Duration.ofSeconds(neededSeconds);
        return budget.compareTo(needed) < 0 ? needed : budget;
    }

    /** Half as long again as the zoo's runs may take (each with its grace and shrinking), and two minutes. */
    private Duration watchdog(int configurations) {
        Duration perRun = budget.plus(GRACE).plus(SHRINK_BUDGET).multipliedBy(Math.max(1, seeds));
        return perRun.multipliedBy((long) configurations * engines.size() * 3 / 2).plusMinutes(2);
    }

    /** Stopped by a signal or the watchdog: the report of what ran, with the zoo marked unfinished; its verdict. */
    private Verdict stopped(String why) {
        try {
            RunRecord.Configuration configuration = new RunRecord.Configuration("none", "zoo", 0, 0, null, null, "zoo",
                    Shard.ALL.toString(), 0, budget.toSeconds());
            RunRecord zoo = RunRecord.incomplete("zoo", configuration, 0, new RunRecord.Unfinished("zoo", why, "run the zoo again"));
            List<RunRecords.Located> all = new ArrayList<>(snapshot());
            all.add(new RunRecords.Located(RunRecords.write(out.resolve("zoo"), zoo), zoo));
            return ReportSite.writeRecords(all, out).grading().verdict();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private List<RunRecords.Located> snapshot() {
        synchronized (records) {
            return List.copyOf(records);
        }
    }

    private void requireKnown() {
        BadInput.requireKnown("--engines", engines, ENGINES);
        if (seeds < 1 || seeds > 100) {
            throw new BadInput("--seeds " + seeds + " is out of range (1 to 100)");
        }
        if (budget.isZero() || budget.isNegative()) {
            throw new BadInput("--budget-per-bug must be positive");
        }
    }

    /** The fixed model first, then each chosen bug alone; the patches and checks asked for in each. */
    private List<BugSet> configurations() {
        BugSet applied = patchesAndChecks.switches();
        List<BugSet> all = new ArrayList<>(List.of(applied));
        List<Bug> chosen = bugs.isEmpty() ? Bug.zoo() : SwitchOptions.bugsNamed(bugs);
        chosen.forEach(bug -> all.add(BugSet.of(bug).plus(applied)));
        return all;
    }

    private void run(PrintWriter printer, StressArtifacts stress, BugSet bugSet, String engine)
            throws IOException, InterruptedException {
        Path dir = out.resolve(bugSet.toString()).resolve(engine).toAbsolutePath();
        switch (engine) {
            case "jcstress" -> {
                int tests = StressArtifacts.jcstressTests(bugSet, Shard.ALL);
                Duration sized = atLeast(budget, SuitePlan.Engine.JCSTRESS.needs(tests, 0));
                String mode = StressArtifacts.jcstressMode(tests, sized);
                child(printer, bugSet, engine, mode, stress.runJcstress(bugSet, mode, Shard.ALL, dir, sized.plus(GRACE)));
            }
            case "lincheck" -> {
                Duration sized = atLeast(budget, StressArtifacts.lincheckNeeds(Shard.ALL));
                child(printer, bugSet, engine, "stress,model-checking", stress.runLincheck(bugSet, Shard.ALL, dir, sized,
                        sized.plus(GRACE)));
            }
            case FrayPeer.ENGINE -> {
                if (fray != null) {
                    child(printer, bugSet, engine, FrayPeer.MODE, fray.run(bugSet, 0, seeds, dir, budget));
                }
            }
            default -> {
                for (int seed = 0; seed < seeds; seed++) {
                    explore(printer, bugSet, engine, seed, seeds == 1 ? dir : dir.resolve("seed-" + seed));
                }
            }
        }
    }

    /** The zoo's workload profiles for one engine and seed: the random workload on CPUs 0-3 and on CPUs {0, 2}. */
    static List<ExecutionSpec> profiles(BugSet bugSet, String engine, int seed) {
        return ModelShape.ZOO_PROFILES.stream().map(shape -> SuiteCommand.explorationSpec(bugSet, shape, engine, 0x5eed + seed)).toList();
    }

    private void explore(PrintWriter printer, BugSet bugSet, String engine, int seed, Path dir)
            throws IOException, InterruptedException {
        keep(printer, bugSet, dir, "run.json", detectionRun(profiles(bugSet, engine, seed), engine, budget,
                seed == 0 ? SHRINK_BUDGET : Duration.ZERO, spec.commandLine().getErr()));
    }

    /**
     * One exploring engine on the {@code profiles} of one configuration, within {@code budget}:
     * its detection record (what it must find: {@link #expected}); a failure is shrunk for at
     * most {@code shrinkBudget} (zero: not shrunk).
     */
    static RunRecord detectionRun(List<ExecutionSpec> profiles, String engine, Duration budget, Duration shrinkBudget,
                                  PrintWriter err) throws InterruptedException {
        Execution execution = new Execution(RunCommand.WATCHDOG, RunCommand.STEP_LIMIT);
        ProfileExplorer.Outcome outcome = new ProfileExplorer(new Explorer(execution)).explore(profiles, budget);
        Token shrunk = RunReporting.shrink(execution, outcome.summary(), shrinkBudget, err);
        RunRecord.Isolation isolation = RunReporting.isolate(execution, outcome.summary(), shrunk,
                shrinkBudget.compareTo(RunCommand.ISOLATION_BUDGET) < 0 ? shrinkBudget : RunCommand.ISOLATION_BUDGET, err);
        RunRecord record = RunReporting.record(outcome.profile(), outcome.summary(), Shard.ALL, Long.MAX_VALUE, budget, shrunk,
                isolation);
        return record.forDetection(expected(profiles.get(0).bugs(), engine));
    }

    private void child(PrintWriter printer, BugSet bugSet, String engine, String mode, StressArtifacts.ChildRun run)
            throws IOException {
        for (StressArtifacts.Kept kept : run.forDetection(engine, bugSet, mode, expected(bugSet, engine))) {
            keep(printer, bugSet, kept.dir(), kept.name(), kept.record());
        }
        if (run.finished() && run.records().isEmpty()) {
            printer.printf("zoo: %-20s %-17s no scenario re-introduces it%n", name(bugSet), engine);
        }
    }

    /**
     * What a finding of {@code engine} on {@code bugSet} must show to count as the bug found: an
     * invariant the bugs break; for jcstress a FORBIDDEN outcome, since each variant re-introduces
     * exactly its bug and forbids exactly that bug's outcome. Nothing on the fixed model (patched
     * or not), where any finding is a false alarm; a stricter check's invariant is never what a
     * bug is found by.
     */
    static List<String> expected(BugSet bugSet, String engine) {
        BugSet bugs = bugSet.faults();
        if (bugs.isEmpty()) {
            return List.of();
        }
        return engine.equals("jcstress") ? List.of(org.vmapstress.reports.record.JcstressLog.FORBIDDEN) : bugs.breaks();
    }

    /** Writes {@code dir/name} and keeps the record for the report and the matrix. */
    private void keep(PrintWriter printer, BugSet bugSet, Path dir, String name, RunRecord record) throws IOException {
        RunRecords.Located written = new RunRecords.Located(RunRecords.write(dir, name, record), record);
        synchronized (records) {
            records.add(written);
        }
        String found = record.firstExpected().map(f -> "found " + f.invariant())
                .orElse(!record.failures().isEmpty() ? "other invariant: " + record.failures().get(0).invariant()
                : record.incomplete().isEmpty() ? "not found" : "could not judge");
        printer.printf(Locale.ROOT, "zoo: %-20s %-17s %-28s %7.1fs %10d exec%n", name(bugSet),
                record.engine() + (record.engine().equals("lincheck") ? " " + record.configuration().sched() : ""), found,
                record.counts().seconds(), record.counts().executions());
        printer.flush();
    }

    private static String name(BugSet bugSet) {
        return bugSet.faults().isEmpty() ? bugSet + " (fixed)" : bugSet.toString();
    }

    private static void printMatrix(PrintWriter printer, Grading.Matrix matrix) {
        int width = matrix.rows().keySet().stream().mapToInt(String::length).max().orElse(0) + 1;
        String rowName = "%-" + Math.max(20, width) + "s";
        StringBuilder header = new StringBuilder(String.format(rowName, "bug"));
        matrix.engines().forEach(e -> header.append(String.format(" %-22s", e)));
        printer.println(header);
        matrix.rows().forEach((bug, row) -> {
            StringBuilder line = new StringBuilder(String.format(rowName, bug));
            for (String engine : matrix.engines()) {
                Grading.Cell cell = row.get(engine);
                line.append(String.format(Locale.ROOT, " %-22s", cell == null ? "-"
                        : (cell.anyFound() ? "found " : cell.other() != null ? "other " : cell.unfinished() > 0 ? "unjudged " : "no ")
                        + cell.found() + "/" + cell.runs()
                        + String.format(Locale.ROOT, " %.1fs", cell.medianSeconds())));
            }
            printer.println(line);
        });
    }
}
