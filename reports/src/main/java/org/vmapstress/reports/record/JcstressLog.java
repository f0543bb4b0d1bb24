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
 * record of engine {@code jcstress}: one histogram per test, and one failure per test that
 * jcstress failed (a FORBIDDEN outcome seen, or an error). Each test is also graded against
 * what its name promises: a {@code Fixed} variant is "clean" when jcstress passed it, any other
 * variant re-introduces the kernel bug its name spells (LazyPteClear: lazy-pte-clear) and is
 * "caught" when jcstress failed it; anything else is "wrong".
 *
 * <p>{@code main(LOG, OUT_DIR, MODE [SECONDS])} writes {@code OUT_DIR/jcstress.json} and exits 1
 * when a test graded wrong (used by {@code stress/jcstress-check}).
 */
public final class JcstressLog {
    private static final Pattern TEST = Pattern.compile("^\\.+ \\[(OK|FAILED|ERROR)\\] (\\S+)$");
    private static final Pattern ROW = Pattern.compile(
            "^\\s+(.+?)\\s+([\\d,]+)\\s+[<\\d.]+%\\s+(Acceptable|Forbidden|Interesting)\\s+(.*)$");
    private static final Pattern CAMEL_HUMP = Pattern.compile("(?<=[a-z0-9])(?=[A-Z])");

    private JcstressLog() {
    }

    public static RunRecord parse(List<String> lines, String mode, double seconds) {
        List<RunRecord.JcstressTest> tests = new ArrayList<>();
        int start = lines.indexOf("RUN RESULTS:");
        String name = null;
        String status = null;
        List<RunRecord.Outcome> outcomes = new ArrayList<>();
        for (String line : lines.subList(Math.max(0, start), lines.size())) {
            Matcher test = TEST.matcher(line);
            Matcher row = ROW.matcher(line);
            if (test.matches()) {
                addTest(tests, name, status, outcomes);
                status = test.group(1);
                name = test.group(2);
                outcomes = new ArrayList<>();
            } else if (name != null && row.matches() && !line.contains("SAMPLES")) {
                outcomes.add(new RunRecord.Outcome(row.group(1).trim(), Long.parseLong(row.group(2).replace(",", "")),
                        row.group(3).toUpperCase(Locale.ROOT), row.group(4).trim()));
            }
        }
        addTest(tests, name, status, outcomes);
        return record(tests, mode, seconds);
    }

    private static RunRecord record(List<RunRecord.JcstressTest> tests, String mode, double seconds) {
        Set<String> bugs = new LinkedHashSet<>();
        tests.stream().filter(RunRecord.JcstressTest::expectCaught).forEach(t -> bugs.add(bugName(t.variant())));
        long samples = tests.stream().flatMap(t -> t.outcomes().stream()).mapToLong(RunRecord.Outcome::samples).sum();
        RunRecord.Configuration configuration = new RunRecord.Configuration(bugs.isEmpty() ? "none" : String.join(",", bugs),
                tests.size() + " tests", 0, 0, null, null, mode, "1/1", 0, 0);
        List<RunRecord.Failure> failures = tests.stream().filter(t -> !t.status().equals("OK"))
                .map(t -> failure(t, mode)).toList();
        return RunRecord.of("jcstress", configuration, new RunRecord.Counts(samples, 0, seconds), failures, tests);
    }

    private static RunRecord.Failure failure(RunRecord.JcstressTest test, String mode) {
        String forbidden = test.outcomes().stream().filter(o -> o.expect().equals("FORBIDDEN") && o.samples() > 0)
                .map(o -> "(" + o.result() + ") seen " + o.samples() + " times: " + o.description())
                .reduce((a, b) -> a + "; " + b).orElse("the test did not run to completion (see jcstress's log)");
        String replay = "java -jar stress/target/jcstress.jar -m " + mode + " -t '" + test.name().replace("$", "\\$") + "$'";
        return new RunRecord.Failure(test.status().equals("FAILED") ? "FORBIDDEN" : "ERROR",
                test.family() + "." + test.variant() + ": " + forbidden, -1, -1, null, replay, null, 0, null, null, null);
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
        boolean expectCaught = !variant.equals("Fixed");
        String verdict = expectCaught ? (status.equals("FAILED") ? "caught" : "wrong")
                : (status.equals("OK") ? "clean" : "wrong");
        tests.add(new RunRecord.JcstressTest(name, family, variant, status, expectCaught, verdict, List.copyOf(outcomes)));
    }

    /** True when every test graded as its name promises (and there was at least one). */
    public static boolean asExpected(RunRecord record) {
        return !record.jcstress().isEmpty() && record.jcstress().stream().noneMatch(t -> t.verdict().equals("wrong"));
    }

    /** {@code LOG OUT_DIR MODE [SECONDS]}: writes OUT_DIR/jcstress.json; exits 2 on bad arguments, 1 when a test graded wrong. */
    public static void main(String[] args) throws IOException {
        if (args.length < 3 || args.length > 4) {
            System.err.println("usage: JcstressLog LOG OUT_DIR MODE [SECONDS]");
            System.exit(2);
        }
        if (!Files.isRegularFile(Path.of(args[0])) || args.length == 4 && !args[3].matches("\\d+(\\.\\d+)?")) {
            System.err.println("JcstressLog: no log " + args[0] + (args.length == 4 ? " or SECONDS '" + args[3] + "' is not a number" : ""));
            System.exit(2);
        }
        double seconds = args.length == 4 ? Double.parseDouble(args[3]) : 0;
        RunRecord record = parse(Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8), args[2], seconds);
        Path written = RunRecords.write(Path.of(args[1]), "jcstress.json", record);
        boolean expected = asExpected(record);
        System.out.println("jcstress: record " + written + " (" + record.jcstress().size() + " tests, "
                + (expected ? "graded as expected" : "graded WRONG") + ")");
        System.exit(expected ? 0 : 1);
    }
}
