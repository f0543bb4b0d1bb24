package org.vmapstress.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vmapstress.reports.record.RunRecord;
import org.vmapstress.reports.record.RunRecords;

/** Exit codes and messages of the command line: bad input is one line and exit 2, never a stack trace. */
class CommandLineTest {
    /** The suite's steps this module can run: jcstress and Lincheck come from the stress module, built after this one (.ci/run runs the whole suite). */
    private static final String HARNESS_ENGINES = "corpus,random,pct3,free";

    @ParameterizedTest
    @ValueSource(strings = {
        "run --bug no-such-bug",
        "run --threads -3",
        "run --ops 0",
        "run --sched free --record -1",
        "run --sched fair",
        "run --budget soon",
        "run --seed banana",
        "run --scenario nowhere",
        "run --cpus 3,1",
        "run --out pom.xml",
        "suite --out pom.xml",
        "suite --corpus-file /no/such/corpus",
        "suite --engines random,magic",
        "suite --shard 3/2",
        "report --in /no/such/folder",
        "report --out pom.xml --in .",
        "zoo --engines random,magic",
        "zoo --seeds 0",
        "zoo --bug no-such-bug",
        "run --bug retire-list",
        "run --patch lazy-pte-clear",
        "run --patch no-such-patch",
        "run --bug strict-aliases-flushed",
        "suite --bug flush-on-retire",
        "zoo --bug retire-list",
        "zoo --patch lazy-pte-clear",
        "bench --seeds 0",
        "bench --engines random,magic",
        "bench --bug retire-list",
        "bench --out /proc/x",
        "bench --throughput 0s",
        "zoo --patch no-such-patch",
        "suite --patch no-such-patch",
        "run --shard one/two",
        "replay vms1:bugs=none:cpus=4",
        "replay vms1:this-is-not-a-token",
        "replay /no/such/file.tokens",
        "frobnicate",
        "run --no-such-option",
        "run --bug lazy-pte-clear --out /proc/x",
        "run --bug lazy-pte-clear --corpus /proc/x",
        "suite --out /proc/x --engines corpus",
        "suite --budget 1s",
        "zoo --out /proc/x",
        "report --in . --out /proc/x",
        "corpus refresh --file /no/such/corpus",
        "corpus frobnicate",
        "run --budget 999999999h",
        "shrink --budget 999999999h vms1:bugs=none",
        "suite --budget 169h",
        "zoo --budget-per-bug 999999999h",
        "corpus refresh --budget-per-line 999999999h"})
    void badInputIsOneLineAndExitTwo(String commandLine) {
        int[] exit = new int[1];
        String[] printed = CliRunner.run(exit, commandLine.split(" "));
        assertEquals(2, exit[0], () -> commandLine + " -> " + printed[1]);
        assertEquals(1, printed[1].strip().lines().count(), () -> "one line, not: " + printed[1]);
        assertTrue(printed[1].startsWith("vmapstress: "), printed[1]);
        assertTrue(!printed[1].contains("\tat "), "no stack trace");
    }

    @Test
    void bugsListsTheElevenBugsWithTheirCommitsThenTheCanaries() {
        int[] exit = new int[1];
        String out = CliRunner.run(exit, "bugs")[0];
        assertEquals(0, exit[0]);
        String zoo = out.substring(0, out.indexOf("Canaries"));
        assertEquals(12, zoo.strip().lines().count(), out);
        assertTrue(out.substring(out.indexOf("Canaries")).contains("flush-under-block-lock"), out);
        assertTrue(out.contains("lazy-pte-clear") && out.contains("64141da5"), out);
        assertTrue(out.contains("publish-before-init") && out.contains("3e3de794"), out);
    }

    @Test
    void patchesListsTheProposedFixesThenTheStrictCheck() {
        int[] exit = new int[1];
        String out = CliRunner.run(exit, "patches")[0];
        assertEquals(0, exit[0]);
        String patches = out.substring(0, out.indexOf("--strict adds"));
        assertEquals(List.of("NAME", "walk-fully-dirty", "flush-on-retire", "retire-list", "vbq-retire-list"),
                patches.strip().lines().map(line -> line.split(" ")[0]).toList(), out);
        assertTrue(out.substring(out.indexOf("--strict adds")).contains("strict-aliases-flushed"), out);
    }

    @Test
    void runFindsTheSeedBugAndPrintsOneReplayLineAndAppendsToTheCorpus(@TempDir Path corpus) throws Exception {
        int[] exit = new int[1];
        String out = CliRunner.run(exit, "run", "--bug", "lazy-pte-clear", "--budget", "30s", "--corpus", corpus.toString())[0];
        assertEquals(1, exit[0], out);
        assertEquals(1, out.lines().filter(l -> l.startsWith("REPLAY: ./vmapstress replay '")).count(), out);
        String token = out.lines().filter(l -> l.startsWith("REPLAY:")).findFirst().orElseThrow().split("'")[1];
        CliRunner.run(exit, "run", "--bug", "lazy-pte-clear", "--budget", "30s", "--corpus", corpus.toString());
        assertEquals(java.util.List.of(token, token), Files.readAllLines(corpus.resolve("found.tokens")),
                "appended, never overwritten");
        String replay = CliRunner.run(exit, "replay", token)[0];
        assertEquals(1, exit[0]);
        assertTrue(replay.contains("FAILED (PTE-ALIAS)") || replay.contains("FAILED (UNMAP-CLEARS)"), replay);
    }

    @Test
    void runWritesARunRecordWhoseTokenReplays(@TempDir Path out) throws Exception {
        int[] exit = new int[1];
        CliRunner.run(exit, "run", "--bug", "flush-over-and-over", "--out", out.toString(), "--corpus", out.resolve("c").toString());
        assertEquals(1, exit[0]);
        RunRecord record = RunRecords.read(out.resolve("run.json"));
        assertEquals(RunRecord.FORMAT, record.format());
        assertEquals("violation", record.verdict());
        assertEquals("flush-over-and-over", record.configuration().bugs());
        RunRecord.Failure failure = record.failures().get(0);
        assertEquals("FLUSH-ONCE", failure.invariant());
        assertEquals(failure.step(), failure.trace().size());
        CliRunner.run(exit, "replay", failure.token());
        assertEquals(1, exit[0]);
        assertEquals(record, RunRecords.read(RunRecords.write(out.resolve("again"), record)));
    }

    @Test
    void freeRunningFindsTheSeedBugAndEndsWithAControlledToken() {
        int[] exit = new int[1];
        String out = CliRunner.run(exit, "run", "--sched", "free", "--bug", "lazy-pte-clear", "--budget", "20s",
                "--corpus", "target/test-corpus")[0];
        assertEquals(1, exit[0], out);
        assertTrue(out.contains("REPLAY: ./vmapstress replay 'vms1:bugs=lazy-pte-clear:"), out);
        assertTrue(!out.contains(":sched=free:"), "a token always names a controlled policy: " + out);
    }

    /**
     * A lock an oops leaves held, free-running (the canary queue-lock-first: vbq->lock taken before
     * vb->lock, outside the try): red within the budget plus 5 s, naming the dead holder, with a
     * REPLAY line that replays as LOCK-ORDER (it stood at a 60 s watchdog, amber, before).
     */
    @Test
    void aLockAnOopsLeftHeldEndsAFreeRunningRunRedOnTimeWithAReplayLine(@TempDir Path corpus) {
        int[] exit = new int[1];
        long start = System.nanoTime();
        String[] printed = CliRunner.run(exit, "run", "--sched", "free", "--bug", "queue-lock-first", "--budget", "30s",
                "--corpus", corpus.toString());
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertEquals(1, exit[0], printed[0] + printed[1]);
        assertTrue(seconds < 35, "took " + seconds + " s");
        assertTrue(printed[0].matches("(?s).*FAILED \\(LOCK-ORDER\\).*T\\d died holding vbq\\[\\d\\]\\.lock.*"), printed[0]);
        String token = printed[0].lines().filter(l -> l.startsWith("REPLAY: ")).findFirst().orElseThrow().split("'")[1];
        String replay = CliRunner.run(exit, "replay", token)[0];
        assertEquals(1, exit[0], replay);
        assertTrue(replay.contains("FAILED (LOCK-ORDER)"), replay);
    }

    @Test
    void freeRunningTheFixedModelIsClean() {
        int[] exit = new int[1];
        String out = CliRunner.run(exit, "run", "--sched", "free", "--threads", "4", "--ops", "100", "--iterations", "300",
                "--budget", "60s")[0];
        assertEquals(0, exit[0], out);
        assertTrue(out.contains("300 free-running executions"), out);
    }

    @Test
    void suiteReplaysTheCorpusExploresAndWritesTheReport(@TempDir Path out) {
        int[] exit = new int[1];
        String printed = CliRunner.run(exit, "suite", "--budget", "20s", "--out", out.toString(), "--engines",
                HARNESS_ENGINES, "--corpus-file", "../corpus/known.tokens")[0];
        assertEquals(0, exit[0], printed);
        assertTrue(printed.matches("(?s).*corpus: (\\d+) of \\1 known executions replayed as recorded.*"), printed);
        for (String engine : java.util.List.of("corpus", "random", "pct3", "free")) {
            assertTrue(Files.isRegularFile(out.resolve(engine).resolve("run.json")), engine);
        }
        assertTrue(printed.contains("suite: clean: no failure (5 run records) in ")
                && printed.contains("report: " + out.resolve("index.html")), printed);
        assertEquals("clean", RunRecords.read(out.resolve("suite/run.json")).verdict(), "the suite's own record, rewritten at its end");
    }

    @Test
    void reportBuildsTheSiteFromRunRecordsAndExitsOneOnAFailure(@TempDir Path out) {
        int[] exit = new int[1];
        CliRunner.run(exit, "run", "--bug", "lazy-pte-clear", "--out", out.resolve("records").toString(),
                "--corpus", out.resolve("corpus").toString());
        assertEquals(1, exit[0]);
        String printed = CliRunner.run(exit, "report", "--in", out.resolve("records").toString(), "--out",
                out.resolve("site").toString())[0];
        assertEquals(1, exit[0], printed);
        assertTrue(printed.startsWith("report: violation: 1 failure (1 run records) -> "), printed);
        assertTrue(Files.isRegularFile(out.resolve("site/failure-1.html")));
    }

    @Test
    void shardsOfARunExploreDisjointExecutions(@TempDir Path out) {
        int[] exit = new int[1];
        String printed = CliRunner.run(exit, "run", "--shard", "2/3", "--iterations", "3", "--budget", "30s")[0];
        assertEquals(0, exit[0], printed);
        assertTrue(printed.contains("shard 2/3: executions 1, 4, 7, ...") && printed.contains("sched=random:exec=7:"), printed);
    }

    @Test
    void suiteAgainstTheSeedBugFails(@TempDir Path out) {
        int[] exit = new int[1];
        String printed = CliRunner.run(exit, "suite", "--bug", "lazy-pte-clear", "--budget", "20s", "--out", out.toString(),
                "--engines", HARNESS_ENGINES, "--corpus-file", "../corpus/known.tokens")[0];
        assertEquals(1, exit[0], printed);
        assertTrue(printed.contains("suite: violation: 3 failures"), printed);
        assertTrue(Files.isRegularFile(out.resolve("failure-1.html")), "a page per failure");
    }

    @Test
    void runOnTheFixedModelIsClean() {
        int[] exit = new int[1];
        String out = CliRunner.run(exit, "run", "--iterations", "200", "--budget", "60s")[0];
        assertEquals(0, exit[0], out);
        assertTrue(out.contains("clean: no violation"), out);
    }

    @Test
    void aSuiteBudgetBelowTheMinimumIsRefusedNamingTheMinimum() {
        int[] exit = new int[1];
        String[] printed = CliRunner.run(exit, "suite", "--budget", "1s");
        assertEquals(2, exit[0]);
        assertTrue(printed[1].contains("is below the suite's minimum of 3m") && printed[1].contains("give --budget 3m"), printed[1]);
        assertEquals("", printed[0], "refused before any work");
    }

    @Test
    void aRunWhoseRecordCannotBeWrittenStillPrintsItsReplayLineAndAppendsItsToken(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("out");
        Files.createDirectories(out.resolve("run.json").resolve("in-the-way"));
        int[] exit = new int[1];
        String[] printed = CliRunner.run(exit, "run", "--bug", "lazy-pte-clear", "--out", out.toString(), "--corpus",
                tmp.resolve("corpus").toString());
        assertEquals(1, exit[0], printed[0] + printed[1]);
        assertTrue(printed[1].contains("could not write the run record"), printed[1]);
        String replay = printed[0].lines().filter(l -> l.startsWith("REPLAY: ")).findFirst().orElseThrow();
        assertEquals(List.of(replay.split("'")[1]), Files.readAllLines(tmp.resolve("corpus/found.tokens")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"suite", "run", "report", "zoo", "bench", "replay", "shrink", "bugs", "patches", "corpus", "corpus refresh"})
    void everyCommandHasHelpThatStatesEachOptionsDefault(String command) {
        int[] exit = new int[1];
        String help = CliRunner.run(exit, (command + " --help").split(" "))[0];
        assertEquals(0, exit[0], help);
        assertTrue(help.startsWith("Usage: vmapstress " + command), help);
        String viaHelp = CliRunner.run(exit, (command.contains(" ") ? command.replace(" ", " help ") : "help " + command).split(" "))[0];
        assertEquals(0, exit[0], viaHelp);
        assertEquals(help, viaHelp);
        for (String option : help.lines().filter(l -> l.matches("\\s+(-\\w, )?--[a-z].*")).toList()) {
            if (!option.contains("--help") && !option.contains("--version")) {
                assertTrue(option.contains("default") || optionContinues(help, option), () -> "no default stated: " + option);
            }
        }
    }

    /** The option's description goes on for a few lines; its default is stated in them. */
    private static boolean optionContinues(String help, String optionLine) {
        String after = help.substring(help.indexOf(optionLine));
        String description = after.lines().skip(1).takeWhile(l -> l.startsWith("                ")).reduce("", String::concat);
        return description.contains("default");
    }
}
