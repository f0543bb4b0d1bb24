package org.vmapstress.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vmapstress.reports.html.ReportSite;
import org.vmapstress.reports.record.BadRecord;
import org.vmapstress.reports.record.RunRecord;

/** Shards merge into one report whose counts are the sums; unusable input is one clear error naming the file. */
class MergeTest {

    private static RunRecord shard(RunRecord clean, String shard, long executions, long points, double seconds) {
        RunRecord.Configuration c = clean.configuration();
        return RunRecord.of(clean.engine(), new RunRecord.Configuration(c.bugs(), c.scenario(), c.threads(), c.ops(), c.model(),
                c.seed(), c.sched(), shard, c.iterations(), c.budgetSeconds()),
                new RunRecord.Counts(executions, points, seconds), List.of(), null);
    }

    @Test
    void twoShardRecordsMergeIntoOneRowWhoseCountsAreTheSums(@TempDir Path tmp) throws IOException {
        RunRecord clean = Fixtures.cleanPct();
        Path first = Fixtures.write(tmp.resolve("shard-1"), shard(clean, "1/2", 120, 35_000, 10.5));
        Path second = Fixtures.write(tmp.resolve("shard-2"), shard(clean, "2/2", 80, 21_000, 9.25));
        ReportSite.Result result = ReportSite.write(List.of(first, second), tmp.resolve("site"));

        Grading.EngineTotal total = result.grading().engines().get(0);
        assertEquals(1, result.grading().engines().size());
        assertEquals(List.of("1/2", "2/2"), total.shards());
        assertEquals(200, total.executions());
        assertEquals(56_000, total.schedulePoints());
        assertEquals(19.75, total.seconds(), 1e-9);
        Element row = Jsoup.parse(result.index().toFile()).select("#engines tr").get(1);
        assertEquals(List.of("controlled-pct3", "none", "1/2, 2/2", "200", "56000", "19.8", "0"), row.children().eachText());
        assertEquals("clean", Jsoup.parse(result.index().toFile()).getElementById("verdict").className().replace("banner", "").trim());
    }

    @Test
    void aFailureInAnyShardMakesTheMergedReportRed(@TempDir Path tmp) throws IOException {
        Path clean = Fixtures.write(tmp.resolve("a"), Fixtures.cleanPct());
        Path failing = Fixtures.write(tmp.resolve("b"), Fixtures.seedBug());
        ReportSite.Result result = ReportSite.write(List.of(clean, failing), tmp.resolve("site"));
        assertEquals(Verdict.VIOLATION, result.grading().verdict());
        assertTrue(Files.isRegularFile(tmp.resolve("site/failure-1.html")));
        assertEquals("violation: 1 failure (2 run records)", Jsoup.parse(result.index().toFile()).getElementById("verdict").text());
    }

    @Test
    void brokenOrMissingInputIsOneErrorNamingItAndKeepsWhatIsThere(@TempDir Path tmp) throws IOException {
        Path broken = Files.createDirectories(tmp.resolve("broken"));
        Files.writeString(broken.resolve("run.json"), "{\"format\": \"vmapstress-run/3\", \"engine\": ");
        BadRecord error = assertThrows(BadRecord.class, () -> ReportSite.write(List.of(broken), tmp.resolve("site")));
        assertTrue(error.getMessage().startsWith(broken.resolve("run.json") + ": broken run record"), error.getMessage());
        assertTrue(Files.exists(broken.resolve("run.json")), "the input is left as it was");

        Files.writeString(broken.resolve("run.json"), "{\"format\": \"vmapstress-run/1\"}");
        assertTrue(assertThrows(BadRecord.class, () -> ReportSite.write(List.of(broken), tmp.resolve("site"))).getMessage()
                .contains("format 'vmapstress-run/1', expected 'vmapstress-run/3'"));
        assertTrue(assertThrows(BadRecord.class, () -> ReportSite.write(List.of(tmp.resolve("nowhere")), tmp.resolve("site")))
                .getMessage().contains("is not a folder"));
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertTrue(assertThrows(BadRecord.class, () -> ReportSite.write(List.of(empty), tmp.resolve("site")))
                .getMessage().startsWith("no run record under"));
    }
}
