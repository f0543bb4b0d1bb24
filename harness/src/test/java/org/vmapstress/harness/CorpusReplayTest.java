package org.vmapstress.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.harness.exec.ExecutionResult;
import org.vmapstress.model.Bug;

/**
 * Replays the checked-in corpus ({@code corpus/known.tokens}), first in the suite: every known
 * failure still fails with its recorded invariant, every clean execution is still clean, and
 * none of them is stale.
 */
@Order(1)
class CorpusReplayTest {
    static final Path CORPUS = Path.of("..", "corpus", "known.tokens");

    static Stream<CorpusLine> corpusLines() throws IOException {
        return CorpusLine.read(CORPUS).stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpusLines")
    void replaysAsRecorded(CorpusLine line) throws InterruptedException {
        Token token = Token.parse(line.token());
        ExecutionResult result = new Execution(Duration.ofSeconds(20), 200_000).run(token.spec());
        assertNull(token.staleness(result));
        assertEquals(line.expected(), result.failed() ? result.failureId() : "clean", result.failureMessage());
    }

    @Test
    void theCorpusHoldsEveryBugOfTheZooAndCleanRuns() throws IOException {
        List<CorpusLine> lines = corpusLines().toList();
        for (Bug bug : Bug.values()) {
            assertTrue(lines.stream().anyMatch(l -> l.token().matches(".*:bugs=([a-z-]+,)*" + bug.cliName() + "[:,].*")),
                    "no corpus line for " + bug);
        }
        assertTrue(lines.stream().filter(l -> l.expected().equals("clean")).count() >= 3, "too few clean lines");
    }
}
