package org.vmapstress.harness.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    List<String> lincheckCommand(Path out, BugSet bugs, Shard shard) throws IOException {
        Path target = home.resolve("stress/target");
        String classPath = target.resolve("test-classes") + ":" + target.resolve("classes") + ":"
                + Files.readString(target.resolve("bench.cp")).strip();
        Path tmp = Files.createDirectories(out.resolve("tmp"));
        return List.of(Subprocess.java(), "-XX:+IgnoreUnrecognizedVMOptions", "-XX:+EnableDynamicAgentLoading", "-Xshare:off",
                "-Djava.io.tmpdir=" + tmp, "-cp", classPath, "org.vmapstress.stress.lincheck.LincheckRun", out.toString(),
                bugs.isEmpty() ? "none" : bugs.toString(), shard.toString());
    }

    static List<Path> lincheckRecords(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("lincheck-.*\\.json")).sorted().toList();
        }
    }

    /** A run record saying a child process did not finish: a failure of the suite, with where its log is. */
    static RunRecord didNotFinish(String engine, BugSet bugs, String mode, Shard shard, Subprocess.Ending ending, Path log) {
        String why = ending.timedOut() ? "killed after " + Math.round(ending.seconds()) + "s, over its share of the budget"
                : "exited with code " + ending.exitCode() + " without a record";
        RunRecord.Configuration configuration = new RunRecord.Configuration(bugs.isEmpty() ? "none" : bugs.toString(), engine,
                0, 0, null, null, mode, shard.toString(), 0, ending.seconds());
        RunRecord.Failure failure = new RunRecord.Failure(ending.timedOut() ? "BUDGET" : "ENGINE-ERROR",
                engine + " " + why + "; its output is in " + log, -1, -1, null, null, null, 0, null, null, null);
        return RunRecord.of(engine, configuration, new RunRecord.Counts(0, 0, ending.seconds()), List.of(failure), null);
    }
}
