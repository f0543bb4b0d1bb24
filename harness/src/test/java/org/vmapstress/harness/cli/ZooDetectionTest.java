package org.vmapstress.harness.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.vmapstress.harness.Explorer;
import org.vmapstress.harness.ProfileExplorer;
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;

/**
 * The zoo's promise, fast: every bug is found by the controlled scheduler (random walk, else
 * PCT) from the zoo's default settings (its workload profiles and seed, nothing hand-fed)
 * within a small budget, and the fixed model stays clean under the same settings. The budget
 * per engine is {@code -Dvmapstress.zoo.seconds} (default 10); {@code ./vmapstress zoo} is the
 * full version with every engine.
 */
@Tag("zoo")
class ZooDetectionTest {
    private static final Duration BUDGET = Duration.ofSeconds(Long.getLong("vmapstress.zoo.seconds", 10));
    private static final Execution EXECUTION = new Execution(RunCommand.WATCHDOG, RunCommand.STEP_LIMIT);

    private static ProfileExplorer.Outcome explore(BugSet bugs, String engine, Duration budget) throws InterruptedException {
        return new ProfileExplorer(new Explorer(EXECUTION)).explore(ZooCommand.profiles(bugs, engine, 0), budget);
    }

    @ParameterizedTest
    @EnumSource(Bug.class)
    void everyBugIsFoundByTheControlledSchedulerFromTheZoosDefaults(Bug bug) throws InterruptedException {
        StringBuilder tried = new StringBuilder();
        for (String engine : List.of("random", "pct3")) {
            ProfileExplorer.Outcome outcome = explore(BugSet.of(bug), engine, BUDGET);
            if (outcome.summary().failure() != null) {
                System.out.printf("zoo: %-20s found by %-6s in %5.1fs (%s)%n", bug.cliName(), engine,
                        outcome.summary().elapsed().toMillis() / 1000.0, outcome.summary().failure().failureId());
                assertTrue(outcome.summary().elapsed().compareTo(BUDGET.plusSeconds(5)) < 0, "within the budget");
                return;
            }
            tried.append(engine).append(": ").append(outcome.summary().executions()).append(" executions; ");
        }
        throw new AssertionError(bug.cliName() + " not found within " + BUDGET.toSeconds() + "s per engine (" + tried + ")");
    }

    @Test
    void theFixedModelIsCleanUnderTheSameSettings() throws InterruptedException {
        for (String engine : List.of("random", "pct3")) {
            ProfileExplorer.Outcome outcome = explore(BugSet.NONE, engine, BUDGET.dividedBy(2));
            assertFalse(outcome.summary().failed(), () -> engine + ": " + outcome.summary().failure());
            assertTrue(outcome.summary().executions() > 100, "explored: " + outcome.summary().executions());
        }
    }
}
