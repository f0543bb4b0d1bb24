package org.vmapstress.reports.record;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the "RUN RESULTS" part of a verbose jcstress log ({@code -v}) and turns it into a run
 * record of engine {@code jcstress}: one histogram per test, one failure per test in which
 * jcstress saw a FORBIDDEN outcome, and one step that could not judge per test that ended in
 * an error or that was asked for and has no result (a run cut off). Each test is also graded against
 * what its name promises: a {@code Fixed} variant is "clean" when jcstress passed it, any other
 * variant re-introduces the kernel bug its name spells (LazyPteClear: lazy-pte-clear) and is
 * "caught" when jcstress failed it; a test that ended in an error "could not judge"; anything else is "wrong".
 * An error that is the model's own violation, raised in an actor (a {@code ModelAssertion}: the race
 * detector's DATA-RACE raises at the racing access, wherever the scenario's outcome is computed), is
 * a FORBIDDEN outcome "raised ID" of that test, not an error: the run judged, and the model broke.
 *
 * <p>{@code main(LOG, OUT_DIR, MODE [SECONDS [EXPECTED [SWITCHES]]])} writes {@code OUT_DIR/jcstress.json} and
 * exits 1 when a test graded wrong, 3 when a test has no result or an error (used by
 * {@code stress/jcstress-check}); EXPECTED is a file naming the tests that were asked for, one a line;
 * SWITCHES the patches and checks every scenario ran with (comma-separated, or none), added to the record's bugs.
 */
public final class JcstressLog {
    /**
     * A variant whose name ends so must pass: {@code Fixed} (the fixed model) and
     * {@code <Patch>Fixed} (a proposed patch that closes the race); every other variant
     * re-introduces a bug, or leaves a race open, and must be caught.
     */
    static final String FIXED_SUFFIX = "Fixed";

    /** The invariant id of a jcstress failure: a FORBIDDEN outcome was seen. */
    public static final String FORBIDDEN = "FORBIDDEN";
    private static final Pattern TEST = Pattern.compile("^\\.+ \\[(OK|FAILED|ERROR)\\] (\\S+)$");
    private static final Pattern ROW = Pattern.compile(
            "^\\s+(.+?)\\s+([\\d,]+)\\s+[<\\d.]+%\\s+(Acceptable|Forbidden|Interesting)\\s+(.*)$");
    private static final Pattern CAMEL_HUMP = Pattern.compile("(?<=[a-z0-9])(?=[A-Z])");
    /** The message of an error test whose actor raised a model violation. */
    private static final Pattern RAISED = Pattern.compile("^\\s+org\\.vmapstress\\.model\\.ModelAssertion: (\\S+): (.*)$");

    private JcstressLog() {
    }

    public static RunRecord parse(List<String> lines, String mode, double seconds) {
        return parse(lines, mode, seconds, List.of(), List.of());
    }

    /**
     * As {@link #parse(List, String, double)}, and each of {@code expected} without a result is a
     * step that could not judge; {@code switches} (patches, checks) ran in every test.
     */
    public static RunRecord parse(List<String> lines, String mode, double seconds, List<String> expected, List<String> switches) {
        List<RunRecord.JcstressTest> tests = new ArrayList<>();
        int start = lines.indexOf("RUN RESULTS:");
        String name = null;
        String status = null;
        List<RunRecord.Outcome> outcomes = new ArrayList<>();
        for (String line : lines.subList(Math.max(0, start), lines.size())) {
            Matcher test = TEST.matcher(line);
            Matcher row = ROW.matcher(line);
            Matcher raised = RAISED.matcher(line);
            if (test.matches()) {
                addTest(tests, name, status, outcomes);
                status = test.group(1);
                name = test.group(2);
                outcomes = new ArrayList<>();
            } else if (("ERROR".equals(status) || raisedBefore(outcomes)) && raised.matches()) {
                status = "FAILED";
                countRaised(outcomes, raised.group(1), raised.group(2));
            } else if (name != null && row.matches() && !line.contains("SAMPLES")) {
                outcomes.add(new RunRecord.Outcome(row.group(1).trim(), Long.parseLong(row.group(2).replace(",", "")),
                        row.group(3).toUpperCase(Locale.ROOT), row.group(4).trim()));
            }
        }
        addTest(tests, name, status, outcomes);
        return record(tests, mode, seconds, switches).withIncomplete(unfinished(tests, expected, mode));
    }

    /** Tests that ended in an error, and tests asked for that have no result at all. */
    private static List<RunRecord.Unfinished> unfinished(List<RunRecord.JcstressTest> tests, List<String> expected, String mode) {
        List<RunRecord.Unfinished> steps = new ArrayList<>();
        tests.stream().filter(t -> t.status().equals("ERROR")).forEach(t -> steps.add(new RunRecord.Unfinished(
                "jcstress " + t.family() + "." + t.variant(), "the test ended in an error (an actor threw, or its JVM crashed)",
                "see jcstress's log; rerun: " + rerun(t.name(), mode))));
        Set<String> seen = new LinkedHashSet<>(tests.stream().map(RunRecord.JcstressTest::name).toList());
        expected.stream().filter(t -> !seen.contains(t)).forEach(t -> steps.add(new RunRecord.Unfinished("jcstress " + t,
                "no result: the run was cut off before this test finished", "rerun with more time: " + rerun(t, mode))));
        return steps;
    }

    private static String rerun(String test, String mode) {
        return "java -jar stress/target/jcstress.jar -m " + mode + " -t '" + test.replace("$", "\\$") + "$'";
    }

    private static RunRecord record(List<RunRecord.JcstressTest> tests, String mode, double seconds, List<String> switches) {
        Set<String> bugs = new LinkedHashSet<>();
        tests.stream().filter(RunRecord.JcstressTest::expectCaught).forEach(t -> bugs.add(bugName(t.variant())));
        bugs.addAll(switches);
        long samples = tests.stream().flatMap(t -> t.outcomes().stream()).mapToLong(RunRecord.Outcome::samples).sum();
        RunRecord.Configuration configuration = new RunRecord.Configuration(bugs.isEmpty() ? "none" : String.join(",", bugs),
                tests.size() + " tests", 0, 0, null, null, mode, "1/1", 0, 0);
        List<RunRecord.Failure> failures = tests.stream().filter(t -> t.status().equals("FAILED"))
                .map(t -> failure(t, mode)).toList();
        return RunRecord.of("jcstress", configuration, new RunRecord.Counts(samples, 0, seconds), failures, tests);
    }

    private static RunRecord.Failure failure(RunRecord.JcstressTest test, String mode) {
        String forbidden = test.outcomes().stream().filter(o -> o.expect().equals("FORBIDDEN") && o.samples() > 0)
                .map(o -> "(" + o.result() + ") seen " + o.samples() + " times: " + o.description())
                .reduce((a, b) -> a + "; " + b).orElse("jcstress failed it (see its log)");
        return new RunRecord.Failure(FORBIDDEN, test.family() + "." + test.variant() + ": " + forbidden, -1, -1, null,
                rerun(test.name(), mode), null, 0, null, null, null);
    }

    private static boolean raisedBefore(List<RunRecord.Outcome> outcomes) {
        return outcomes.stream().anyMatch(o -> o.result().startsWith("raised "));
    }

    /** One more actor that raised the model violation {@code id}: a FORBIDDEN outcome "raised ID", counted. */
    private static void countRaised(List<RunRecord.Outcome> outcomes, String id, String message) {
        String result = "raised " + id;
        long before = outcomes.stream().filter(o -> o.result().equals(result)).mapToLong(RunRecord.Outcome::samples).sum();
        outcomes.removeIf(o -> o.result().equals(result));
        outcomes.add(new RunRecord.Outcome(result, before + 1, "FORBIDDEN", "an actor raised the model violation " + id + ": " + message));
    }

    /** {@code LazyPteClear} to {@code lazy-pte-clear}. */
    static String bugName(String variant) {
        return CAMEL_HUMP.matcher(variant).replaceAll("-").toLowerCase(Locale.ROOT);
    }

    private static void addTest(List<RunRecord.JcstressTest> tests, String name, String status,
                                List<RunRecord.Outcome> outcomes) {
        if (name == null) {
            return;
        }
        int dot = Math.max(name.lastIndexOf('.'), name.lastIndexOf('$'));
        String variant = name.substring(dot + 1);
        String owner = name.substring(0, dot);
        String family = owner.substring(owner.lastIndexOf('.') + 1);
        boolean expectCaught = !variant.endsWith(FIXED_SUFFIX);
        String verdict = status.equals("ERROR") ? "could not judge" : expectCaught ? (status.equals("FAILED") ? "caught" : "wrong")
                : (status.equals("OK") ? "clean" : "wrong");
        tests.add(new RunRecord.JcstressTest(name, family, variant, status, expectCaught, verdict, List.copyOf(outcomes)));
    }

    /** True when no test graded wrong (and there was at least one); a test that could not judge is not wrong. */
    public static boolean asExpected(RunRecord record) {
        return !record.jcstress().isEmpty() && record.jcstress().stream().noneMatch(t -> t.verdict().equals("wrong"));
    }

    /**
     * {@code LOG OUT_DIR MODE [SECONDS [EXPECTED [SWITCHES]]]}: writes OUT_DIR/jcstress.json; exits 2 on bad
     * arguments, 1 when a test graded wrong, 3 when a test could not judge (no result, or an error).
     */
    public static void main(String[] args) throws IOException {
        if (args.length < 3 || args.length > 6) {
            System.err.println("usage: JcstressLog LOG OUT_DIR MODE [SECONDS [EXPECTED_TESTS_FILE [SWITCHES]]]");
            System.exit(2);
        }
        if (!Files.isRegularFile(Path.of(args[0])) || args.length >= 4 && !args[3].matches("\\d+(\\.\\d+)?")
                || args.length >= 5 && !Files.isRegularFile(Path.of(args[4]))) {
            System.err.println("JcstressLog: no log " + args[0] + (args.length >= 4 ? ", SECONDS '" + args[3] + "' is not a number" : "")
                    + (args.length >= 5 ? " or no file " + args[4] : ""));
            System.exit(2);
        }
        double seconds = args.length >= 4 ? Double.parseDouble(args[3]) : 0;
        List<String> expectedTests = args.length >= 5 ? Files.readAllLines(Path.of(args[4])).stream().map(String::strip)
                .filter(t -> !t.isEmpty()).toList() : List.of();
        List<String> switches = args.length == 6 && !args[5].equals("none") ? List.of(args[5].split(",")) : List.of();
        RunRecord record = parse(Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8), args[2], seconds, expectedTests,
                switches);
        Path written = RunRecords.write(Path.of(args[1]), "jcstress.json", record);
        boolean expected = asExpected(record);
        System.out.println("jcstress: record " + written + " (" + record.jcstress().size() + " tests, "
                + (expected ? "graded as expected" : "graded WRONG") + (record.incomplete().isEmpty() ? ""
                        : ", " + record.incomplete().size() + " could not judge") + ")");
        System.exit(!expected ? 1 : record.incomplete().isEmpty() ? 0 : 3);
    }
}
