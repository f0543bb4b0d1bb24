package org.vmapstress.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vmapstress.harness.cli.VmapstressCommand;
import org.vmapstress.reports.record.RunRecords;

/**
 * A suite stopped before its end never reads clean: stopped by SIGTERM it exits 3 and its
 * record says so; killed with SIGKILL it leaves the record it wrote when it started
 * ("not finished"); either way {@code report} on its folder exits 3. A violation found before
 * the stop stays a violation (exit 1). (The child steps' process
 * groups are covered by {@code SubprocessTest}.)
 */
class SuiteInterruptionTest {
    @Test
    void aSuiteStoppedBySigtermExitsThreeAndItsFolderGradesIncomplete(@TempDir Path out) throws Exception {
        Process suite = startSuite(out);
        suite.destroy();
        assertTrue(suite.waitFor(20, TimeUnit.SECONDS), "the suite ends soon after SIGTERM");
        assertEquals(3, suite.exitValue(), Files.readString(out.resolveSibling("suite.log")));
        assertEquals("incomplete", RunRecords.read(out.resolve("suite/run.json")).verdict());
        assertTrue(RunRecords.read(out.resolve("suite/run.json")).incomplete().get(0).reason().contains("interrupted"));
        assertReportExitsThree(out);
    }

    @Test
    void aViolationFoundBeforeTheStopStaysAViolation(@TempDir Path out) throws Exception {
        Process suite = startSuite(out, "random/run.json", "--bug", "lazy-pte-clear");
        suite.destroy();
        assertTrue(suite.waitFor(20, TimeUnit.SECONDS), "the suite ends soon after SIGTERM");
        assertEquals(1, suite.exitValue(), Files.readString(out.resolveSibling("suite.log")));
        int[] exit = new int[1];
        CliRunner.run(exit, "report", "--in", out.toString(), "--out", out.resolve("site").toString());
        assertEquals(1, exit[0]);
    }

    @Test
    void aSuiteKilledBySigkillLeavesAFolderThatGradesIncomplete(@TempDir Path out) throws Exception {
        Process suite = startSuite(out);
        suite.destroyForcibly().waitFor();
        assertTrue(RunRecords.read(out.resolve("suite/run.json")).incomplete().get(0).reason().contains("has not finished"));
        assertReportExitsThree(out);
    }

    /** A suite of the in-process engines with a minute's budget, once it has written its corpus record. */
    private static Process startSuite(Path out) throws Exception {
        return startSuite(out, "corpus/run.json");
    }

    /** A suite of the in-process engines with a minute's budget, once it has written {@code record} (waiting up to a minute). */
    private static Process startSuite(Path out, String record, String... more) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), VmapstressCommand.class.getName(), "suite", "--budget", "60s",
                "--engines", "corpus,random,pct3,free", "--corpus-file", "../corpus/known.tokens", "--out", out.toString()));
        command.addAll(List.of(more));
        Process suite = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(out.resolveSibling("suite.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(out.resolve(record)) && suite.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(suite.isAlive() && Files.exists(out.resolve(record)), Files.readString(out.resolveSibling("suite.log")));
        return suite;
    }

    private static void assertReportExitsThree(Path out) {
        int[] exit = new int[1];
        String[] printed = CliRunner.run(exit, "report", "--in", out.toString(), "--out", out.resolve("site").toString());
        assertEquals(3, exit[0], printed[0] + printed[1]);
        assertTrue(printed[0].startsWith("report: incomplete: "), printed[0]);
    }
}
