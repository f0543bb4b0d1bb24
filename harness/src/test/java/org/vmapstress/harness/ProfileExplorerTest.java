package org.vmapstress.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.harness.exec.ModelShape;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;

/** The zoo's profiles take turns one execution each: a bug only the second profile can show costs the first almost nothing. */
class ProfileExplorerTest {
    private static List<ExecutionSpec> profiles(BugSet bugs) {
        return ModelShape.ZOO_PROFILES.stream()
                .map(shape -> new ExecutionSpec(bugs, shape, ExecutionSpec.RANDOM_SCENARIO, 3, 20, 0x5eed, "random", 0)).toList();
    }

    @Test
    void aBugOnlyTheSecondProfileShowsIsFoundThereWithinOneExecutionOfTheFirstPerTurn() throws InterruptedException {
        ProfileExplorer explorer = new ProfileExplorer(new Explorer(new Execution(Duration.ofSeconds(30), 1_000_000)));

        ProfileExplorer.Outcome outcome = explorer.explore(profiles(BugSet.of(Bug.IMPOSSIBLE_CPU_HASH)), Duration.ofSeconds(60));

        assertEquals("POSSIBLE-CPU", outcome.summary().failure().failureId());
        assertEquals(List.of(0, 2), outcome.profile().model().cpus(), "only CPUs {0, 2} have the gap the bug needs");
        long second = outcome.summary().failure().spec().exec() + 1;
        assertEquals(2 * second, outcome.summary().executions(), "the first profile ran as many executions as the second");
        assertTrue(second < 50, "found in " + second + " executions of the second profile");
    }

    @Test
    void onTheFixedModelBothProfilesRunInTurnUntilTheBudget() throws InterruptedException {
        ProfileExplorer explorer = new ProfileExplorer(new Explorer(new Execution(Duration.ofSeconds(30), 1_000_000)));

        ProfileExplorer.Outcome outcome = explorer.explore(profiles(BugSet.NONE), Duration.ofSeconds(2));

        assertEquals(null, outcome.summary().failure());
        assertTrue(outcome.summary().executions() >= 4, outcome.summary().executions() + " executions");
    }
}
