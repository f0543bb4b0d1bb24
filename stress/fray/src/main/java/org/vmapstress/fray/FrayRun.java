package org.vmapstress.fray;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.vmapstress.model.BugSet;
import org.vmapstress.reports.Verdict;
import org.vmapstress.reports.record.RunRecord;
import org.vmapstress.reports.record.RunRecords;

/**
 * Fray, CMU's controlled concurrency testing for the JVM, as a peer engine on the zoo's
 * workload ({@link FrayWorkload}): one Fray search per seed, each until the first failure or
 * its time, each writing a run record {@code fray-seed-I.json} (engine "fray") in OUT_DIR, the
 * format every engine writes. Runs on the JDK 25 that Fray's Maven plugin instruments, with its
 * agents ({@code stress/fray-check} starts it so).
 *
 * <p>Usage: {@code FrayRun OUT_DIR none|BUG[,BUG...] FIRST_SEED SEEDS SECONDS_PER_SEED [pos|pct3|random]};
 * exit 0 when every record is clean, 1 when one holds a failure, 3 when one could not judge,
 * 2 for bad arguments.
 */
public final class FrayRun {
    private static final String USAGE = "usage: FrayRun OUT_DIR none|BUG[,BUG...] FIRST_SEED SEEDS SECONDS_PER_SEED [pos|pct3|random]";

    private FrayRun() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 5 || args.length > 6 || !args[2].matches("\\d{1,6}") || !args[3].matches("\\d{1,3}")
                || !args[4].matches("\\d{1,6}") || args.length == 6 && !FraySearch.SCHEDULERS.contains(args[5])) {
            exit(2, USAGE);
        }
        Optional<BugSet> bugs = BugSet.parse(args[1]);
        if (bugs.isEmpty()) {
            exit(2, "FrayRun: unknown bug in '" + args[1] + "' (see ./vmapstress bugs)");
        }
        Path out = Path.of(args[0]);
        int first = Integer.parseInt(args[2]);
        String scheduler = args.length == 6 ? args[5] : "pos";
        Verdict verdict = Verdict.CLEAN;
        for (int seed = first; seed < first + Integer.parseInt(args[3]); seed++) {
            FraySearch search = new FraySearch(new FrayWorkload(bugs.get(), seed), scheduler, Integer.parseInt(args[4]));
            RunRecord record = search.run();
            Path written = RunRecords.write(out, "fray-seed-" + seed + ".json", record);
            System.out.printf(Locale.ROOT, "fray %s seed %d: %s in %.1fs (%d executions) -> %s%n", scheduler, seed,
                    record.failures().isEmpty() ? record.verdict() : "found " + record.failures().get(0).invariant(),
                    record.counts().seconds(), record.counts().executions(), written);
            verdict = verdict.and(record.graded());
        }
        System.exit(verdict.exitCode());
    }

    private static void exit(int code, String message) {
        System.err.println(message);
        System.exit(code);
    }
}
