package org.vmapstress.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.harness.exec.ModelShape;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;

/**
 * Both sides of the in-transit window of vm_unmap_aliases (docs/findings), on the scenario the
 * corpus's strict token runs: with {@code --strict} and no patch the controlled random walk
 * finds ALIASES-FLUSHED-STRICT; with walk-fully-dirty it still does (that patch closes only the
 * part of the window before the block's xa_erase); flush-on-retire, retire-list and
 * vbq-retire-list survive 5,000 executions under random and under PCT.
 */
class InTransitPatchTest {
    private static final Explorer EXPLORER = new Explorer(new Execution(Duration.ofSeconds(20), 200_000));
    private static final Duration HANG_GUARD = Duration.ofMinutes(20);
    private static final int EXECUTIONS = 5_000;

    @ParameterizedTest(name = "{0} under {1}")
    @CsvSource({"none, random", "walk-fully-dirty, random"})
    void strictFindsTheWindowUnlessPatched(String patch, String sched) throws InterruptedException {
        Explorer.Summary summary = EXPLORER.explore(spec(patch, sched), EXECUTIONS, HANG_GUARD, s -> { });
        assertNotNull(summary.failure(), "not found in " + summary.executions() + " executions");
        assertEquals("ALIASES-FLUSHED-STRICT", summary.failure().failureId(), summary.failure().failureMessage());
    }

    @ParameterizedTest(name = "{0} under {1}")
    @CsvSource({"flush-on-retire, random", "flush-on-retire, pct:3", "retire-list, random", "retire-list, pct:3",
        "vbq-retire-list, random", "vbq-retire-list, pct:3"})
    void aSufficientPatchClosesTheWindow(String patch, String sched) throws InterruptedException {
        Explorer.Summary summary = EXPLORER.explore(spec(patch, sched), EXECUTIONS, HANG_GUARD, s -> { });
        assertNull(summary.failure(), () -> summary.failure().failureMessage() + " — " + Token.of(summary.failure()).replayLine());
        assertEquals(EXECUTIONS, summary.executions(), "the budget ran out first");
    }

    private static ExecutionSpec spec(String patch, String sched) {
        BugSet switches = BugSet.of(Bug.STRICT_ALIASES_FLUSHED);
        if (!patch.equals("none")) {
            switches = switches.plus(Token.bugs(patch));
        }
        return new ExecutionSpec(switches, ModelShape.firstCpus(4), "retire-while-aliases", 2, 6, 0x5eed, Token.sched(sched), 0);
    }
}
