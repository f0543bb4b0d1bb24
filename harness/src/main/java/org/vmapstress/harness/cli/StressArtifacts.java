package org.vmapstress.harness.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.vmapstress.harness.BadInput;
import org.vmapstress.harness.Shard;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;
import org.vmapstress.reports.record.RunRecord;

/**
 * What the suite runs from the stress module: {@code stress/jcstress-check} with the shaded
 * jcstress jar, and the Lincheck runner on the stress module's test class path
 * ({@code stress/target/bench.cp}). {@code ./vmapstress} builds them; {@link #in} says so in
 * one line when they are missing.
 */
record StressArtifacts(Path home) {
    /** jcstress scenario families, each with one Fixed variant (docs/jcstress.md). */
    static final int JCSTRESS_FAMILIES = 8;
    /** LincheckRun's modes: stress, model checking. */
    static final int LINCHECK_MODES = 2;

    static StressArtifacts in(Path home) {
        StressArtifacts artifacts = new StressArtifacts(home);
        for (Path needed : List.of(artifacts.jcstressCheck(), home.resolve("stress/target/jcstress.jar"),
                home.resolve("stress/target/bench.cp"), home.resolve("stress/target/test-classes"))) {
            if (!Files.exists(needed)) {
                throw new BadInput("the suite needs " + needed + ": build the project with ./mvnw -q package -DskipTests"
                        + " (./vmapstress does it when sources change)");
            }
        }
        return artifacts;
    }

    Path jcstressCheck() {
        return home.resolve("stress/jcstress-check");
    }

    /** The Fixed variants for the fixed model, else the variants named after the bugs (lazy-pte-clear: LazyPteClear). */
    static String jcstressVariants(BugSet bugs) {
        if (bugs.isEmpty()) {
            return "\\.Fixed$";
        }
        return "\\.(" + bugs.asSet().stream().map(StressArtifacts::variantName).collect(Collectors.joining("|")) + ")$";
    }

    static String variantName(Bug bug) {
        return Arrays.stream(bug.cliName().split("-")).map(w -> Character.toUpperCase(w.charAt(0)) + w.substring(1))
                .collect(Collectors.joining());
    }

    private List<String> lincheckCommand(Path out, BugSet bugs, Shard shard) throws IOException {
        Path target = home.resolve("stress/target");
        String classPath = target.resolve("test-classes") + ":" + target.resolve("classes") + ":"
                + Files.readString(target.resolve("bench.cp")).strip();
        Path tmp = Files.createDirectories(out.resolve("tmp"));
        return List.of(Subprocess.java(), "-XX:+IgnoreUnrecognizedVMOptions", "-XX:+EnableDynamicAgentLoading", "-Xshare:off",
                "-Djava.io.tmpdir=" + tmp, "-cp", classPath, "org.vmapstress.stress.lincheck.LincheckRun", out.toString(),
                bugs.toString(), shard.toString());
    }

    /** How a child run ended, the records it wrote, and whether it found nothing to run (no scenario, empty shard). */
    record ChildRun(Subprocess.Ending ending, List<Path> records, boolean nothingToRun, Path log) {
        boolean finished() {
            return !ending.timedOut() && ending.exitCode() <= 1 && (nothingToRun || !records.isEmpty());
        }
    }

    /** jcstress on the variants for {@code bugs} (see {@link #jcstressVariants}) through {@code stress/jcstress-check}. */
    ChildRun runJcstress(BugSet bugs, String mode, Shard shard, Path dir, Duration limit) throws IOException, InterruptedException {
        Path record = dir.resolve("jcstress.json");
        Files.createDirectories(dir);
        Files.deleteIfExists(record);
        Path log = dir.resolve("child.log");
        Subprocess.Ending ending = Subprocess.run(List.of("bash", jcstressCheck().toString(), mode, jcstressVariants(bugs),
                dir.toString(), shard.toString()), home, log, limit);
        String printed = Files.exists(log) ? Files.readString(log) : "";
        boolean nothing = printed.contains("no jcstress test matches") || printed.contains("no test in shard");
        return new ChildRun(ending, !ending.timedOut() && Files.exists(record) ? List.of(record) : List.of(), nothing, log);
    }

    /** Lincheck's stress and model-checking modes on {@code bugs} (those of {@code shard}); one record per mode. */
    ChildRun runLincheck(BugSet bugs, Shard shard, Path dir, Duration limit) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        for (Path previous : lincheckRecords(dir)) {
            Files.delete(previous);
        }
        Path log = dir.resolve("child.log");
        Subprocess.Ending ending = Subprocess.run(lincheckCommand(dir, bugs, shard), home, log, limit);
        List<Path> records = ending.timedOut() ? List.of() : lincheckRecords(dir);
        return new ChildRun(ending, records, records.isEmpty() && shard.index() > LINCHECK_MODES, log);
    }

    private static List<Path> lincheckRecords(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("lincheck-.*\\.json")).sorted().toList();
        }
    }

    /** A run record saying a child process did not finish: a failure of the suite, with where its log is. */
    static RunRecord didNotFinish(String engine, BugSet bugs, String mode, Shard shard, ChildRun run) {
        Subprocess.Ending ending = run.ending();
        Path log = run.log();
        String why = ending.timedOut() ? "killed after " + Math.round(ending.seconds()) + "s, over its share of the budget"
                : "exited with code " + ending.exitCode() + " without a record";
        RunRecord.Configuration configuration = new RunRecord.Configuration(bugs.toString(), engine,
                0, 0, null, null, mode, shard.toString(), 0, ending.seconds());
        RunRecord.Failure failure = new RunRecord.Failure(ending.timedOut() ? "BUDGET" : "ENGINE-ERROR",
                engine + " " + why + "; its output is in " + log, -1, -1, null, null, null, 0, null, null, null);
        return RunRecord.of(engine, configuration, new RunRecord.Counts(0, 0, ending.seconds()), List.of(failure), null);
    }

    /** A run record of a child stopped at the zoo's budget: nothing found within it (not a failure). */
    static RunRecord stoppedAtBudget(String engine, BugSet bugs, ChildRun run) {
        RunRecord.Configuration configuration = new RunRecord.Configuration(bugs.toString(),
                "stopped at the budget", 0, 0, null, null, "budget", Shard.ALL.toString(), 0, run.ending().seconds());
        return RunRecord.of(engine, configuration, new RunRecord.Counts(0, 0, run.ending().seconds()), List.of(), null);
    }
}
