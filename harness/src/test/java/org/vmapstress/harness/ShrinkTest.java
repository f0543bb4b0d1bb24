package org.vmapstress.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.harness.exec.ExecutionResult;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.harness.exec.ModelShape;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;

/** Shrink returns a token no larger, still failing with the same invariant, that replays. */
class ShrinkTest {
    private static final Execution EXECUTION = new Execution(Duration.ofSeconds(20), 200_000);

    @Test
    void theSeedBugShrinksToOneWorkerAndStillFailsTheSameWay() throws InterruptedException {
        ExecutionSpec defaults = new ExecutionSpec(BugSet.of(Bug.LAZY_PTE_CLEAR), ModelShape.firstCpus(4), "random", 3, 20,
                0x5eed, "random", 0);
        ExecutionResult found = new Explorer(EXECUTION).explore(defaults, 1000, Duration.ofSeconds(20), s -> { }).failure();
        assertNotNull(found);
        ExecutionResult shrunk = new Shrinker(EXECUTION).shrink(found, Duration.ofSeconds(5));
        assertEquals(found.failureId(), shrunk.failureId());
        assertEquals(1, shrunk.spec().threads(), "one worker is enough for the seed bug");
        assertTrue(shrunk.spec().ops() < found.spec().ops());
        assertTrue(shrunk.steps() <= found.steps());
        assertEquals(0, Shrinker.preemptions(shrunk.trace()));
        ExecutionResult replayed = EXECUTION.run(Token.parse(Token.of(shrunk).format()).spec());
        assertEquals(shrunk.trace(), replayed.trace());
        assertEquals(shrunk.failureMessage(), replayed.failureMessage());
    }
}
