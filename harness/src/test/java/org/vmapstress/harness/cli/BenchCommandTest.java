package org.vmapstress.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bench measures every engine on the same bug and seeds, prints the medians and ratios, and writes records the report draws. */
class BenchCommandTest {
    @Test
    void eachEngineFindsTheBugOnEverySeedAndTheReportDrawsTheMatrix(@TempDir Path tmp) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = VmapstressCommand.execute(new String[] {"bench", "--bug", "lazy-pte-clear", "--seeds", "2", "--engines", "pos,random",
            "--budget-per-run", "20s", "--throughput", "1s", "--dfs-bound", "1", "--out", tmp.toString()}, new PrintWriter(out), new PrintWriter(err));
        String printed = out.toString();
        assertEquals(0, exit, printed + err);
        String row = printed.lines().filter(l -> l.startsWith("lazy-pte-clear")).findFirst().orElseThrow(() -> new AssertionError(printed));
        assertEquals(2, row.split(" 2/2").length - 1, "found on both seeds by both engines: " + row);
        assertTrue(printed.contains("xR: R times controlled-random's executions"), "the last engine asked for is the baseline: " + printed);
        assertTrue(printed.lines().anyMatch(l -> l.matches("random +\\d+ +\\d+ +1\\.00x")), printed);
        assertTrue(Files.readString(tmp.resolve("index.html")).contains("id=\"matrix\""));
        assertTrue(Files.exists(tmp.resolve("lazy-pte-clear").resolve("pos").resolve("seed-1").resolve("run.json")));
        for (String scenario : java.util.List.of("unmap-reuse-pagetable", "fill-block-aliases", "retire-while-aliases")) {
            String line = printed.lines().filter(l -> l.startsWith(scenario + " ")).findFirst().orElseThrow(() -> new AssertionError(printed));
            assertTrue(line.matches(scenario + " +\\d+ in [\\d.]+s +\\d+ in [\\d.]+s +\\d+\\.\\dx"), line);
            assertTrue(Double.parseDouble(line.replaceAll(".* ([\\d.]+)x$", "$1")) > 1, "the reduction ran fewer schedules: " + line);
        }
        assertTrue(Files.exists(tmp.resolve("none").resolve("dfs").resolve("retire-while-aliases-dpor").resolve("run.json")));
    }
}
