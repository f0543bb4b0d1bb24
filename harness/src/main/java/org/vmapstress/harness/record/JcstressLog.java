package org.vmapstress.harness.record;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the "RUN RESULTS" part of a verbose jcstress log ({@code -v}) and turns it into a
 * {@link JcstressRecord}. Grading happens here, once: a {@code Fixed} variant is "clean" when
 * jcstress passed it, any other variant is "caught" when jcstress failed it; anything else is
 * "wrong".
 *
 * <p>{@code main(LOG, OUT_DIR, MODE)} writes {@code OUT_DIR/jcstress.json} (used by
 * {@code stress/jcstress-check}).
 */
public final class JcstressLog {
    private static final Pattern TEST = Pattern.compile("^\\.+ \\[(OK|FAILED|ERROR)\\] (\\S+)$");
    private static final Pattern ROW = Pattern.compile(
            "^\\s+(.+?)\\s+([\\d,]+)\\s+[<\\d.]+%\\s+(Acceptable|Forbidden|Interesting)\\s+(.*)$");

    private JcstressLog() {
    }

    public static JcstressRecord parse(List<String> lines, String mode) {
        List<JcstressRecord.Test> tests = new ArrayList<>();
        int start = lines.indexOf("RUN RESULTS:");
        String name = null;
        String status = null;
        List<JcstressRecord.Outcome> outcomes = new ArrayList<>();
        for (String line : lines.subList(Math.max(0, start), lines.size())) {
            Matcher test = TEST.matcher(line);
            Matcher row = ROW.matcher(line);
            if (test.matches()) {
                addTest(tests, name, status, outcomes);
                status = test.group(1);
                name = test.group(2);
                outcomes = new ArrayList<>();
            } else if (name != null && row.matches() && !line.contains("SAMPLES")) {
                outcomes.add(new JcstressRecord.Outcome(row.group(1).trim(), Long.parseLong(row.group(2).replace(",", "")),
                        row.group(3).toUpperCase(java.util.Locale.ROOT), row.group(4).trim()));
            }
        }
        addTest(tests, name, status, outcomes);
        boolean allAsExpected = !tests.isEmpty() && tests.stream().noneMatch(t -> t.verdict().equals("wrong"));
        return new JcstressRecord(JcstressRecord.FORMAT, "jcstress", mode, allAsExpected ? "clean" : "failed", tests);
    }

    private static void addTest(List<JcstressRecord.Test> tests, String name, String status,
                                List<JcstressRecord.Outcome> outcomes) {
        if (name == null) {
            return;
        }
        int dot = name.lastIndexOf('.');
        String variant = name.substring(dot + 1);
        String family = name.substring(name.lastIndexOf('.', dot - 1) + 1, dot);
        boolean expectCaught = !variant.equals("Fixed");
        String verdict = expectCaught ? (status.equals("FAILED") ? "caught" : "wrong")
                : (status.equals("OK") ? "clean" : "wrong");
        tests.add(new JcstressRecord.Test(name, family, variant, status, expectCaught, verdict, List.copyOf(outcomes)));
    }

    /** {@code LOG OUT_DIR MODE}: writes OUT_DIR/jcstress.json; exits 2 on bad arguments, 1 when a test graded wrong. */
    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: JcstressLog LOG OUT_DIR MODE");
            System.exit(2);
        }
        JcstressRecord record = parse(Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8), args[2]);
        Path dir = Path.of(args[1]);
        Files.createDirectories(dir);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(dir.resolve("jcstress.json").toFile(), record);
        System.out.println("jcstress: record " + dir.resolve("jcstress.json") + " (" + record.tests().size() + " tests, "
                + record.verdict() + ")");
        System.exit(record.verdict().equals("clean") ? 0 : 1);
    }
}
