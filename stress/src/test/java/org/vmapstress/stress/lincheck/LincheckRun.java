package org.vmapstress.stress.lincheck;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.Options;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;
import org.vmapstress.model.InvariantId;
import org.vmapstress.model.ModelConfig;
import org.vmapstress.reports.record.RunRecord;
import org.vmapstress.reports.record.RunRecords;

/**
 * The Lincheck part of {@code ./vmapstress suite}: checks the allocator with the given bugs in
 * stress and model-checking mode (the settings of {@link AllocatorLincheckTest}) and writes one
 * run record per mode, {@code OUT/lincheck-MODE.json}, with Lincheck's printed interleaving as
 * the failure's text. With a shard K/N only the modes whose position is K-1 modulo N run.
 *
 * <p>{@code LincheckRun OUT BUGS SHARD}: BUGS is "none" or comma-separated bug names. Exit 0
 * when every mode ran clean, 1 when Lincheck failed one, 2 on bad arguments. Run by the suite
 * with {@code stress/target/test-classes}, {@code stress/target/classes} and the class path in
 * {@code stress/target/bench.cp}.
 */
public final class LincheckRun {
    private static final List<String> MODES = List.of("stress", "model-checking");

    private LincheckRun() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3 || !args[2].matches("\\d+/\\d+")) {
            System.err.println("usage: LincheckRun OUT_DIR none|BUG[,BUG...] K/N");
            System.exit(2);
        }
        Optional<BugSet> bugs = parseBugs(args[1]);
        if (bugs.isEmpty()) {
            System.err.println("LincheckRun: unknown bug in '" + args[1] + "' (see ./vmapstress bugs)");
            System.exit(2);
        }
        int shard = Integer.parseInt(args[2].split("/")[0]);
        int shards = Integer.parseInt(args[2].split("/")[1]);
        ModelConfig config = configFor(bugs.get());
        ConfiguredLincheckTest.configure(bugs.get(), config);
        boolean failed = false;
        for (int i = 0; i < MODES.size(); i++) {
            if (i % shards == shard - 1) {
                RunRecord record = check(MODES.get(i), args[1], args[2], config);
                Path written = RunRecords.write(Path.of(args[0]), "lincheck-" + MODES.get(i) + ".json", record);
                System.out.printf("lincheck %-14s %s in %.1fs -> %s%n", MODES.get(i), record.verdict(),
                        record.counts().seconds(), written);
                failed |= !record.failures().isEmpty();
            }
        }
        System.exit(failed ? 1 : 0);
    }

    private static Optional<BugSet> parseBugs(String text) {
        if (text.equals("none")) {
            return Optional.of(BugSet.NONE);
        }
        List<Bug> bugs = new ArrayList<>();
        for (String name : text.split(",")) {
            Optional<Bug> bug = Bug.byName(name);
            if (bug.isEmpty()) {
                return Optional.empty();
            }
            bugs.add(bug.get());
        }
        return Optional.of(BugSet.of(bugs));
    }

    /** impossible-cpu-hash needs a gap in the possible CPUs to show; the others run on CPUs 0-3. */
    static ModelConfig configFor(BugSet bugs) {
        ModelConfig small = AllocatorLincheckTest.smallModel();
        return bugs.has(Bug.IMPOSSIBLE_CPU_HASH) ? small.withPossibleCpus(0, 2) : small;
    }

    private static RunRecord check(String mode, String bugs, String shard, ModelConfig config) {
        Options<?, ?> options = mode.equals("stress") ? AllocatorLincheckTest.stress() : AllocatorLincheckTest.modelChecking();
        long start = System.nanoTime();
        List<RunRecord.Failure> failures = new ArrayList<>();
        try {
            options.minimizeFailedScenario(false).check(ConfiguredLincheckTest.class);
        } catch (LincheckAssertionError e) {
            failures.add(failure(e.getMessage(), mode, bugs));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long invocations = mode.equals("stress") ? AllocatorLincheckTest.STRESS_INVOCATIONS : AllocatorLincheckTest.MODEL_CHECKING_INVOCATIONS;
        int[] cpus = config.possibleCpus();
        RunRecord.Configuration configuration = new RunRecord.Configuration(bugs, "lincheck operations", 2, 3,
                new RunRecord.Shape(Arrays.stream(cpus).boxed().toList(), config.vmallocPages(), config.pageFrames()),
                null, mode, shard, invocations, 0);
        return RunRecord.of("lincheck", configuration, new RunRecord.Counts(failures.isEmpty() ? invocations : 0, 0, seconds),
                failures, null);
    }

    /** Results Lincheck's operations return only when the model went wrong (AllocatorLincheckTest). */
    private static final List<String> TELLING_RESULTS = List.of("stale PTE", "refused", "reached pfn");

    /**
     * The invariant a @Validate check named, else a linearizability failure; the message says
     * what was wrong in words, and Lincheck's whole text is kept as the interleaving.
     */
    private static RunRecord.Failure failure(String printed, String mode, String bugs) {
        String invariant = Arrays.stream(InvariantId.values()).map(InvariantId::id).filter(printed::contains).findFirst()
                .orElse("LINEARIZABILITY");
        String what = invariant.equals("LINEARIZABILITY")
                ? "no sequential order of the operations explains their results" + TELLING_RESULTS.stream()
                        .filter(printed::contains).findFirst().map(r -> " (an operation returned '" + r + "')").orElse("")
                : printed.lines().filter(l -> l.contains(invariant)).findFirst().orElse(invariant).strip();
        String firstLine = "Lincheck " + mode + ": " + what;
        String replay = "java -cp \"stress/target/test-classes:stress/target/classes:$(cat stress/target/bench.cp)\" "
                + LincheckRun.class.getName() + " target/lincheck " + bugs + " " + (MODES.indexOf(mode) + 1) + "/" + MODES.size();
        return new RunRecord.Failure(invariant, firstLine, -1, -1, null, replay, null, 0, null,
                null, printed);
    }
}
