package org.vmapstress.harness.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.vmapstress.harness.BadInput;
import org.vmapstress.harness.Shard;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;
import org.vmapstress.reports.record.Published;
import org.vmapstress.reports.record.RunRecord;
import org.vmapstress.reports.record.RunRecords;

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
    /** What LincheckRun is told to leave of its limit for ending its JVM and writing its records. */
    private static final Duration LINCHECK_EXIT = Duration.ofSeconds(3);
    /** jcstress's quick mode costs about a minute per test on two cores (docs/jcstress.md); below that, sanity. */
    private static final Duration QUICK_MODE_PER_TEST = Duration.ofSeconds(60);

    static StressArtifacts in(Path home) {
        StressArtifacts artifacts = new StressArtifacts(home);
        for (Path needed : List.of(artifacts.jcstressCheck(), home.resolve("stress/target/jcstress.jar"),
                home.resolve("harness/target/vmapstress.jar"),
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

    /**
     * The Fixed variants for the fixed model, else the variants named after the bugs
     * (lazy-pte-clear: LazyPteClear); patches and checks do not choose variants, they are
     * applied to all of them ({@link #runJcstress}).
     */
    static String jcstressVariants(BugSet switches) {
        BugSet bugs = switches.faults();
        if (bugs.isEmpty()) {
            return "\\.Fixed$";
        }
        return "\\.(" + bugs.asSet().stream().map(StressArtifacts::variantName).collect(Collectors.joining("|")) + ")$";
    }

    static String variantName(Bug bug) {
        return Arrays.stream(bug.cliName().split("-")).map(w -> Character.toUpperCase(w.charAt(0)) + w.substring(1))
                .collect(Collectors.joining());
    }

    private List<String> lincheckCommand(Path out, BugSet bugs, Shard shard, Duration sizedTo) throws IOException {
        Path target = home.resolve("stress/target");
        String classPath = target.resolve("test-classes") + ":" + target.resolve("classes") + ":"
                + Files.readString(target.resolve("bench.cp")).strip();
        Path tmp = Files.createDirectories(out.resolve("tmp"));
        return List.of(Subprocess.java(), "-XX:+IgnoreUnrecognizedVMOptions", "-XX:+EnableDynamicAgentLoading", "-Xshare:off",
                "-Djava.io.tmpdir=" + tmp, "-cp", classPath, "org.vmapstress.stress.lincheck.LincheckRun", out.toString(),
                bugs.toString(), shard.toString(), Long.toString(Math.max(1, sizedTo.minus(LINCHECK_EXIT).toSeconds())));
    }

    /**
     * How a child run ended, the records it wrote (a child stopped at its limit may have written
     * some: Lincheck writes one per mode), and whether it found nothing to run (no scenario,
     * empty shard). It finished when it ended by itself with a verdict (exit 0, 1 or 3) and wrote
     * its records.
     */
    record ChildRun(Subprocess.Ending ending, List<Path> records, int expectedRecords, boolean nothingToRun, Path log) {
        boolean finished() {
            int code = ending.exitCode();
            return !ending.timedOut() && (code == 0 || code == 1 || code == 3) && (nothingToRun || records.size() >= expectedRecords);
        }

        /**
         * The records this child wrote, read as detection records that expect {@code expected}, each
         * with the folder and name it was written under; and, if it did not finish, a record saying
         * so ({@link #didNotFinish}), for the folder of its log.
         */
        List<Kept> forDetection(String engine, BugSet bugs, String mode, List<String> expected) {
            List<Kept> kept = new ArrayList<>();
            for (Path file : records) {
                kept.add(new Kept(file.getParent(), file.getFileName().toString(), RunRecords.read(file).forDetection(expected)));
            }
            if (!finished()) {
                kept.add(new Kept(log.getParent(), "run.json", didNotFinish(engine, bugs, mode, Shard.ALL, this).forDetection(expected)));
            }
            return kept;
        }
    }

    /** A record to keep, and the folder and file name it belongs under. */
    record Kept(Path dir, String name, RunRecord record) {
    }

    /** The jcstress tests {@code jcstressVariants(bugs)} may name: one per family for the fixed model, else at most one per bug. */
    static int jcstressTests(BugSet switches, Shard shard) {
        BugSet bugs = switches.faults();
        int tests = bugs.isEmpty() ? JCSTRESS_FAMILIES : bugs.asSet().size();
        return (tests + shard.count() - 1) / shard.count();
    }

    /** How many of LincheckRun's modes shard K/N runs (mode i runs in shard i mod N + 1). */
    static int lincheckModes(Shard shard) {
        return (int) lincheckModesOf(shard).count();
    }

    private static IntStream lincheckModesOf(Shard shard) {
        return IntStream.range(0, LINCHECK_MODES).filter(i -> i % shard.count() == shard.index() - 1);
    }

    /**
     * Seconds Lincheck needs at least on an idle two-core machine for shard K/N's modes: about
     * 10 s to start, 30 s for stress (it finds most of the zoo's bugs within that), 40 s for
     * model checking (its first iteration instruments the classes it runs); 0 when the shard
     * runs no mode.
     */
    static long lincheckNeeds(Shard shard) {
        long[] perMode = {30, 40};
        long modes = lincheckModesOf(shard).mapToLong(i -> perMode[i]).sum();
        return modes == 0 ? 0 : 10 + modes;
    }

    /** Quick mode when {@code share} affords it for every test, else sanity. */
    static String jcstressMode(int tests, Duration share) {
        return share.compareTo(QUICK_MODE_PER_TEST.multipliedBy(tests)) >= 0 ? "quick" : "sanity";
    }

    /**
     * jcstress on the variants for {@code bugs} (see {@link #jcstressVariants}) through
     * {@code stress/jcstress-check}, which applies their patches and checks to every variant.
     */
    ChildRun runJcstress(BugSet bugs, String mode, Shard shard, Path dir, Duration limit) throws IOException, InterruptedException {
        Path record = dir.resolve("jcstress.json");
        Published.createFolders(dir);
        Files.deleteIfExists(record);
        Path log = dir.resolve("child.log");
        Subprocess.Ending ending = Subprocess.run(List.of("bash", jcstressCheck().toString(), mode, jcstressVariants(bugs),
                dir.toString(), shard.toString(), bugs.patchesAndChecks().toString()), home, log, limit);
        String printed = Files.exists(log) ? Files.readString(log) : "";
        boolean nothing = printed.contains("no jcstress test matches") || printed.contains("no test in shard");
        return new ChildRun(ending, !ending.timedOut() && Files.exists(record) ? List.of(record) : List.of(), 1, nothing, log);
    }

    /**
     * Lincheck's stress and model-checking modes on {@code bugs} (those of {@code shard}); one
     * record per mode. Its iterations are sized to {@code target}; it is stopped at {@code limit}.
     */
    ChildRun runLincheck(BugSet bugs, Shard shard, Path dir, Duration target, Duration limit) throws IOException, InterruptedException {
        Published.createFolders(dir);
        for (Path previous : lincheckRecords(dir)) {
            Files.delete(previous);
        }
        Path log = dir.resolve("child.log");
        Subprocess.Ending ending = Subprocess.run(lincheckCommand(dir, bugs, shard, target), home, log, limit);
        List<Path> records = lincheckRecords(dir);
        return new ChildRun(ending, records, lincheckModes(shard), records.isEmpty() && lincheckModes(shard) == 0, log);
    }

    private static List<Path> lincheckRecords(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("lincheck-.*\\.json")).sorted().toList();
        }
    }

    /**
     * A run record saying a child process did not finish (over its time, or it ended without a
     * verdict or records): a step that could not judge, with where its log is.
     */
    static RunRecord didNotFinish(String engine, BugSet bugs, String mode, Shard shard, ChildRun run) {
        Subprocess.Ending ending = run.ending();
        String why = ending.timedOut() ? "stopped after " + Math.round(ending.seconds()) + "s, at the end of the time it could be given"
                : "exited with code " + ending.exitCode() + (run.records().isEmpty() ? " without a record" : "");
        RunRecord.Configuration configuration = new RunRecord.Configuration(bugs.toString(), engine,
                0, 0, null, null, mode, shard.toString(), 0, ending.seconds());
        RunRecord.Unfinished unfinished = new RunRecord.Unfinished(engine, engine + " " + why + "; its output is in " + run.log(),
                ending.timedOut() ? "give the suite a larger --budget (or run it on a less busy machine)" : "read its log");
        return RunRecord.incomplete(engine, configuration, ending.seconds(), unfinished);
    }
}
