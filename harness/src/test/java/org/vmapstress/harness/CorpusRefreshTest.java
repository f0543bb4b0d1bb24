package org.vmapstress.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stale corpus tokens are their own state: the suite is incomplete (exit 3) and names the
 * command that re-records them; after {@code corpus refresh} the same suite is clean again. A
 * token is made stale here the way a model change makes it: its recorded trace no longer
 * matches (the fingerprint is altered).
 */
class CorpusRefreshTest {
    @Test
    void staleTokensMakeTheSuiteIncompleteAndCorpusRefreshMakesItCleanAgain(@TempDir Path tmp) throws IOException {
        List<CorpusLine> known = CorpusLine.read(Path.of("../corpus/known.tokens"));
        CorpusLine bug = known.stream().filter(l -> l.expected().equals("UNMAP-CLEARS")).findFirst().orElseThrow();
        CorpusLine clean = known.stream().filter(l -> l.expected().equals("clean")).findFirst().orElseThrow();
        Path corpus = tmp.resolve("known.tokens");
        Files.write(corpus, List.of("# a comment that stays", stale(bug).toString(), stale(clean).toString()));

        int[] exit = new int[1];
        String printed = suite(exit, corpus, tmp.resolve("before"));
        assertEquals(3, exit[0], printed);
        assertTrue(printed.contains("2 stale: re-record them with ./vmapstress corpus refresh"), printed);

        String refreshed = CliRunner.run(exit, "corpus", "refresh", "--file", corpus.toString(), "--budget-per-line", "10s")[0];
        assertEquals(0, exit[0], refreshed);
        List<String> lines = Files.readAllLines(corpus);
        assertEquals("# a comment that stays", lines.get(0));
        assertTrue(lines.get(1).endsWith(" UNMAP-CLEARS") && lines.get(2).endsWith(" clean"), lines.toString());
        assertNotEquals(stale(bug).toString(), lines.get(1));

        printed = suite(exit, corpus, tmp.resolve("after"));
        assertEquals(0, exit[0], printed);
        assertTrue(printed.contains("corpus: 2 of 2 known executions replayed as recorded"), printed);
    }

    @Test
    void aLineThatReplaysWithAnotherOutcomeIsNotPaperedOver(@TempDir Path tmp) throws IOException {
        CorpusLine clean = CorpusLine.read(Path.of("../corpus/known.tokens")).stream().filter(l -> l.expected().equals("clean"))
                .findFirst().orElseThrow();
        Path corpus = tmp.resolve("known.tokens");
        CorpusLine wrong = new CorpusLine(clean.token(), "UNMAP-CLEARS");
        Files.write(corpus, List.of(wrong.toString()));
        int[] exit = new int[1];
        String printed = CliRunner.run(exit, "corpus", "refresh", "--file", corpus.toString())[0];
        assertEquals(1, exit[0], printed);
        assertEquals(List.of(wrong.toString()), Files.readAllLines(corpus), "left as it is");
    }

    /** The line with its token's fingerprint altered, as a model change would leave it. */
    private static CorpusLine stale(CorpusLine line) {
        Token token = Token.parse(line.token());
        return new CorpusLine(new Token(token.spec(), token.steps(), token.fingerprint() ^ 1, token.checkpoints()).format(),
                line.expected());
    }

    private static String suite(int[] exit, Path corpus, Path out) {
        return CliRunner.run(exit, "suite", "--engines", "corpus", "--budget", "10s", "--corpus-file", corpus.toString(),
                "--out", out.toString())[0];
    }
}
