package org.vmapstress.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.harness.exec.ModelShape;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;

/** The fixed model survives 10,000 controlled executions; the seed bug does not survive the defaults. */
class FixedModelExplorationTest {
    private static final Explorer EXPLORER = new Explorer(new Execution(Duration.ofSeconds(20), 200_000));
    /** Only against a hang: the claims are counts of executions, whatever the machine's load. */
    private static final Duration HANG_GUARD = Duration.ofMinutes(20);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"random", "pct:3"})
    void fiveThousandExecutionsOfTheFixedModelFindNothing(String sched) throws InterruptedException {
        ExecutionSpec template = new ExecutionSpec(BugSet.NONE, ModelShape.firstCpus(4), "random", 3, 10, 0xf1eed, sched, 0);
        Explorer.Summary summary = EXPLORER.explore(template, 5_000, HANG_GUARD, s -> { });
        assertNull(summary.failure(), () -> "false alarm: " + summary.failure().failureMessage()
                + " — " + Token.of(summary.failure()).replayLine());
        assertEquals(5_000, summary.executions(), "the budget ran out first");
    }

    /** From the command line's defaults (3 threads, 20 ops, seed 0x5eed, random walk), not a hand-fed seed. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"random", "pct:3"})
    void theSeedBugIsFoundFromTheDefaults(String sched) throws InterruptedException {
        ExecutionSpec defaults = new ExecutionSpec(BugSet.of(Bug.LAZY_PTE_CLEAR), ModelShape.firstCpus(4), "random", 3, 20, 0x5eed, sched, 0);
        Explorer.Summary summary = EXPLORER.explore(defaults, 100, HANG_GUARD, s -> { });
        assertNotNull(summary.failure(), "not found in " + summary.executions() + " executions");
        assertTrue(summary.failure().failureId().matches("PTE-ALIAS|UNMAP-CLEARS"), summary.failure().failureMessage());
    }

    /** A long free-running run says how far it got, once a second, as a controlled run does. */
    @Test
    void freeRunningReportsItsProgress() throws InterruptedException {
        ExecutionSpec template = new ExecutionSpec(BugSet.NONE, ModelShape.firstCpus(4), "random", 3, 10, 0xf1eed,
                ExecutionSpec.FREE_RUNNING, 0);
        List<Explorer.Summary> reported = new CopyOnWriteArrayList<>();
        Explorer.Summary summary = EXPLORER.explore(template, 1_000_000, Duration.ofMillis(2500), reported::add);
        assertTrue(summary.budgetSpent(), "1,000,000 executions in 2.5 s");
        assertTrue(!reported.isEmpty() && reported.get(0).executions() > 0, "no progress in 2.5 s: " + reported);
    }
}
