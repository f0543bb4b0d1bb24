package org.vmapstress.reports;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
import java.util.TreeSet;
import org.vmapstress.reports.record.RunRecord;
import org.vmapstress.reports.record.RunRecords;

/**
 * Grades a set of run records, in one place, into a {@link Verdict}: every failure a checking
 * record holds is a violation of the whole (so a suite run with a re-introduced bug is red, as it should look);
 * detection records (the zoo) are graded by what they found (see {@link #verdict}); records of
 * the same engine and bugs (shards, or repeated runs) are summed; when the records cover
 * more than one bug configuration, they form the bug x engine matrix (found or not, time and
 * executions to the first failure).
 */
public final class Grading {
    /** Engines in the order a reader expects them; others follow alphabetically. */
    private static final List<String> ENGINE_ORDER = List.of("controlled-random", "controlled-pct3", "controlled-pos", "free-running",
            "jcstress", "lincheck", "fray");

    /**
     * Records that are not a search, so not a matrix column: the corpus replay checks known
     * tokens (bug-on and fixed alike); the suite's and the zoo's own records say whether they
     * finished.
     */
    private static final List<String> NOT_SEARCHES = List.of("corpus", "suite", "zoo");

    private final List<RunRecords.Located> records;
    private final List<EngineTotal> engines;
    private final List<NumberedFailure> failures;
    private final List<UnfinishedStep> unfinished;
    private final Matrix matrix;

    private Grading(List<RunRecords.Located> records) {
        this.records = List.copyOf(records);
        this.engines = totals(records);
        this.failures = numbered(records);
        this.unfinished = records.stream().flatMap(l -> l.record().incomplete().stream()
                .map(u -> new UnfinishedStep(l.record(), u))).toList();
        this.matrix = matrixOf(this.records);
    }

    public static Grading of(List<RunRecords.Located> records) {
        return new Grading(records);
    }

    /**
     * The verdict of the whole. Violation: a checking record found a failure, or detection
     * records (the zoo) missed a bug or found something on the fixed model. Otherwise
     * incomplete when any record lists a step that could not judge. Otherwise clean.
     */
    public Verdict verdict() {
        boolean checksFailed = failures.stream().anyMatch(f -> !f.record().detection());
        if (checksFailed || falseAlarm() || !missedBugs().isEmpty()) {
            return Verdict.VIOLATION;
        }
        return unfinished.isEmpty() ? Verdict.CLEAN : Verdict.INCOMPLETE;
    }

    /**
     * Bug configurations that detection records ran and no engine found, although every run on
     * them finished (a bug not found by a run that could not judge is not called missed).
     */
    public List<String> missedBugs() {
        return detectionOutcome(false);
    }

    /** Bug configurations no engine found, where some run on them could not judge: neither found nor missed. */
    public List<String> undecidedBugs() {
        return detectionOutcome(true);
    }

    private List<String> detectionOutcome(boolean undecided) {
        Map<String, Boolean> found = new TreeMap<>();
        Map<String, Boolean> unfinishedRun = new TreeMap<>();
        records.stream().map(RunRecords.Located::record).filter(RunRecord::detection)
                .filter(r -> !r.onFixedModel())
                .forEach(r -> {
                    found.merge(r.configuration().bugs(), r.foundExpected(), Boolean::logicalOr);
                    unfinishedRun.merge(r.configuration().bugs(), !r.incomplete().isEmpty(), Boolean::logicalOr);
                });
        return found.entrySet().stream().filter(e -> !e.getValue())
                .map(Map.Entry::getKey).filter(bugs -> unfinishedRun.get(bugs) == undecided).toList();
    }

    /** Anything a detection record found on the fixed model (patched or not). */
    public boolean falseAlarm() {
        return records.stream().map(RunRecords.Located::record).anyMatch(r -> r.onFixedModel() && !r.failures().isEmpty());
    }

    /** Bug configurations that detection records ran. */
    public long detectionBugs() {
        return records.stream().map(RunRecords.Located::record).filter(r -> r.detection() && !r.onFixedModel())
                .map(r -> r.configuration().bugs()).distinct().count();
    }

    /**
     * The verdict in one line: its word, then failures for checking records, bugs found and false
     * alarms for detection records, and how many steps could not judge.
     */
    public String headline() {
        long checkFailures = failures.stream().filter(f -> !f.record().detection()).count();
        String checks = checkFailures == 0 ? "no failure" : checkFailures + (checkFailures == 1 ? " failure" : " failures");
        String unjudged = unfinished.isEmpty() ? ""
                : "; " + unfinished.size() + (unfinished.size() == 1 ? " step" : " steps") + " could not judge";
        String count = " (" + records.size() + " run records)";
        if (detectionBugs() == 0) {
            return verdict().word() + ": " + checks + unjudged + count;
        }
        List<String> missed = missedBugs();
        List<String> undecided = undecidedBugs();
        return verdict().word() + ": " + (detectionBugs() - missed.size() - undecided.size()) + " of " + detectionBugs()
                + " bugs found"
                + (missed.isEmpty() ? "" : " (missed: " + String.join(", ", missed) + ")")
                + (undecided.isEmpty() ? "" : " (undecided: " + String.join(", ", undecided) + ")")
                + (falseAlarm() ? "; FALSE ALARM on the fixed model" : "; fixed model clean")
                + (checkFailures == 0 ? "" : "; " + checks) + unjudged + count;
    }

    /** Every step that could not judge, with the record that lists it. */
    public List<UnfinishedStep> unfinished() {
        return unfinished;
    }

    public List<RunRecords.Located> records() {
        return records;
    }

    /** The records of exhaustive runs ({@code --sched dfs}), which say how much of their schedule space they covered. */
    public List<RunRecord> exhaustiveRuns() {
        return records.stream().map(RunRecords.Located::record).filter(r -> r.exhaustive() != null).toList();
    }

    public List<EngineTotal> engines() {
        return engines;
    }

    public List<NumberedFailure> failures() {
        return failures;
    }

    /** The bug x engine matrix (searching engines only), or null when they all ran the same bugs. */
    public Matrix matrix() {
        return matrix;
    }

    private static Matrix matrixOf(List<RunRecords.Located> records) {
        Set<String> fixed = fixedConfigurations(records);
        Map<String, Map<String, List<RunRecord>>> groups = new TreeMap<>(fixedFirst(fixed));
        for (RunRecords.Located located : records) {
            RunRecord r = located.record();
            if (!NOT_SEARCHES.contains(r.engine())) {
                groups.computeIfAbsent(r.configuration().bugs(), b -> new TreeMap<>(Grading::engineOrder))
                        .computeIfAbsent(r.engine(), e -> new ArrayList<>()).add(r);
            }
        }
        if (groups.size() < 2) {
            return null;
        }
        Map<String, Map<String, Cell>> rows = new LinkedHashMap<>();
        groups.forEach((bugs, byEngine) -> {
            Map<String, Cell> row = new LinkedHashMap<>();
            byEngine.forEach((engine, runs) -> row.put(engine, Cell.of(runs)));
            rows.put(bugs, row);
        });
        List<String> columns = groups.values().stream().flatMap(m -> m.keySet().stream()).distinct().sorted(Grading::engineOrder)
                .toList();
        return new Matrix(columns, rows, groups.keySet().stream().filter(fixed::contains).toList());
    }

    /** The configurations of the fixed model: "none", and those detection records ran without a bug (patches alone). */
    private static Set<String> fixedConfigurations(List<RunRecords.Located> records) {
        Set<String> fixed = new HashSet<>(List.of("none"));
        records.stream().map(RunRecords.Located::record).filter(RunRecord::onFixedModel)
                .forEach(r -> fixed.add(r.configuration().bugs()));
        return fixed;
    }

    /** Bug configurations in the order a reader expects them: the fixed model first, then by name. */
    private static Comparator<String> fixedFirst(Set<String> fixed) {
        return Comparator.comparing((String bugs) -> !fixed.contains(bugs)).thenComparing(Comparator.naturalOrder());
    }

    static int engineOrder(String a, String b) {
        int ia = ENGINE_ORDER.indexOf(a);
        int ib = ENGINE_ORDER.indexOf(b);
        if (ia >= 0 && ib >= 0) {
            return Integer.compare(ia, ib);
        }
        return ia >= 0 ? -1 : ib >= 0 ? 1 : a.compareTo(b);
    }

    private static List<EngineTotal> totals(List<RunRecords.Located> records) {
        Map<List<String>, List<RunRecord>> groups = new LinkedHashMap<>();
        for (RunRecords.Located located : records) {
            RunRecord r = located.record();
            groups.computeIfAbsent(List.of(r.engine(), r.configuration().bugs()), k -> new ArrayList<>()).add(r);
        }
        return groups.entrySet().stream().map(e -> EngineTotal.of(e.getKey().get(0), e.getKey().get(1), e.getValue()))
                .sorted(Comparator.comparing(EngineTotal::engine, Grading::engineOrder).thenComparing(EngineTotal::bugs, fixedFirst(fixedConfigurations(records))))
                .toList();
    }

    private static List<NumberedFailure> numbered(List<RunRecords.Located> records) {
        List<NumberedFailure> all = new ArrayList<>();
        for (RunRecords.Located located : records) {
            for (RunRecord.Failure failure : located.record().failures()) {
                all.add(new NumberedFailure(all.size() + 1, located.record(), failure));
            }
        }
        return all;
    }

    /** One engine on one bug configuration, summed over its records (shards). */
    public record EngineTotal(String engine, String bugs, List<String> shards, long executions, long schedulePoints,
                              double seconds, int failures) {
        static EngineTotal of(String engine, String bugs, List<RunRecord> records) {
            List<String> shards = new ArrayList<>(new TreeSet<>(records.stream().map(r -> r.configuration().shard()).toList()));
            return new EngineTotal(engine, bugs, shards, records.stream().mapToLong(r -> r.counts().executions()).sum(),
                    records.stream().mapToLong(r -> r.counts().schedulePoints()).sum(),
                    records.stream().mapToDouble(r -> r.counts().seconds()).sum(),
                    records.stream().mapToInt(r -> r.failures().size()).sum());
        }
    }

    /**
     * A matrix cell over the runs of one engine on one bug configuration (seeds, shards or
     * modes): in how many the expected failure was found, in how many a step could not judge, the first invariant found,
     * the first other invariant seen (a failure that is not the bug's: shown, never counted), and the median seconds and
     * executions of the runs that found it (of all runs when none did).
     */
    public record Cell(int found, int runs, int unfinished, String invariant, String other, double medianSeconds,
                       long medianExecutions) {
        static Cell of(List<RunRecord> runs) {
            List<RunRecord> finding = runs.stream().filter(RunRecord::foundExpected).toList();
            List<RunRecord> measured = finding.isEmpty() ? runs : finding;
            String invariant = finding.isEmpty() ? null
                    : finding.get(0).firstExpected().orElseThrow().invariant();
            String other = runs.stream().flatMap(r -> r.failures().stream().filter(f -> !r.expects(f))).map(RunRecord.Failure::invariant)
                    .findFirst().orElse(null);
            int unfinished = (int) runs.stream().filter(r -> !r.incomplete().isEmpty()).count();
            return new Cell(finding.size(), runs.size(), unfinished, invariant, other,
                    median(measured.stream().mapToDouble(r -> r.counts().seconds()).sorted().toArray()),
                    (long) median(measured.stream().mapToDouble(r -> r.counts().executions()).sorted().toArray()));
        }

        public boolean anyFound() {
            return found > 0;
        }

        private static double median(double[] sorted) {
            int n = sorted.length;
            return n == 0 ? 0 : n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }
    }

    /**
     * Rows are bug configurations; the {@code fixedRows} (first) ran the fixed model, patched or
     * not, where any finding is a false alarm.
     */
    public record Matrix(List<String> engines, Map<String, Map<String, Cell>> rows, List<String> fixedRows) {
        public Cell cell(String bugs, String engine) {
            return rows.get(bugs).get(engine);
        }

        public boolean fixed(String bugs) {
            return fixedRows.contains(bugs);
        }
    }

    /** A step that could not judge, and the record that lists it. */
    public record UnfinishedStep(RunRecord record, RunRecord.Unfinished step) {
    }

    /** A failure with its number in the report (its page is {@code failure-N.html}) and its record. */
    public record NumberedFailure(int number, RunRecord record, RunRecord.Failure failure) {
        public String page() {
            return "failure-" + number + ".html";
        }

        /**
         * "failure", or for a detection record "found" (a bug on, the invariant it breaks),
         * "other invariant" (a bug on, another invariant: not counted as found) or "false alarm"
         * (the fixed model).
         */
        public String graded() {
            if (!record.detection()) {
                return "failure";
            }
            if (record.onFixedModel()) {
                return "false alarm";
            }
            return record.expects(failure) ? "found" : "other invariant (expected " + String.join(" or ", record.expected()) + ")";
        }
    }
}
