package org.vmapstress.harness.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.vmapstress.model.BugSet;

/**
 * Fray as a peer engine ({@code zoo --engines ...,fray}, {@code bench}): {@code stress/fray-check}
 * builds the stress/fray module with Fray's instrumented JDK 25 once, then runs FrayRun, one
 * Fray search per seed on the workload the controlled engines run. Where the machine has no
 * JDK 25 (or the build fails) Fray is unavailable: {@link #prepare} says so in one line and the
 * caller goes on without it.
 */
record FrayPeer(Path home) {
    static final String ENGINE = "fray";
    /** The mode a Fray run names in its records: Fray's default scheduler, POS. */
    static final String MODE = "fray-pos";
    /** The first build links Fray's JDK (about two minutes on two cores); later ones only compile what changed. */
    private static final Duration PREPARE_LIMIT = Duration.ofMinutes(15);
    /** FrayRun's JVM start and Fray's instrumentation of the classes it loads, beyond the searches' own time. */
    private static final Duration START = Duration.ofSeconds(60);
    /** fray-check's exit code when Fray cannot run here. */
    private static final int UNAVAILABLE = 4;

    /** Fray ready to run, or empty after printing "fray: unavailable (reason)". */
    static Optional<FrayPeer> prepare(Path home, Path logDir, PrintWriter printer) throws IOException, InterruptedException {
        FrayPeer peer = new FrayPeer(home);
        Path log = logDir.resolve("fray-prepare.log");
        Subprocess.Ending ending = Subprocess.run(List.of("bash", peer.check().toString(), "prepare"), home, log, PREPARE_LIMIT);
        if (ending.exitCode() == 0) {
            return Optional.of(peer);
        }
        String printed = Files.exists(log) ? Files.readString(log) : "";
        String line = printed.lines().filter(l -> l.startsWith("fray: unavailable")).findFirst()
                .orElse("fray: unavailable (" + (ending.timedOut() ? "its build took over " + PREPARE_LIMIT.toMinutes() + " minutes"
                        : "stress/fray-check prepare exited with code " + ending.exitCode()) + "; see " + log + ")");
        printer.println(line);
        printer.flush();
        return Optional.empty();
    }

    private Path check() {
        return home.resolve("stress/fray-check");
    }

    /**
     * Fray's searches for seeds {@code first} to {@code first + seeds - 1} on {@code bugs}, each for
     * at most {@code perSeed}: one record per seed in {@code dir} ({@code fray-seed-I.json}).
     */
    StressArtifacts.ChildRun run(BugSet bugs, int first, int seeds, Path dir, Duration perSeed) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        for (Path previous : records(dir)) {
            Files.delete(previous);
        }
        Path log = dir.resolve("child.log");
        Duration limit = perSeed.multipliedBy(seeds).plus(START);
        Subprocess.Ending ending = Subprocess.run(List.of("bash", check().toString(), dir.toString(), bugs.toString(),
                Integer.toString(first), Integer.toString(seeds), Long.toString(Math.max(1, perSeed.toSeconds()))), home, log, limit);
        return new StressArtifacts.ChildRun(ending, ending.exitCode() == UNAVAILABLE ? List.of() : records(dir), seeds, false, log);
    }

    private static List<Path> records(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("fray-seed-\\d+\\.json")).sorted().toList();
        }
    }
}
