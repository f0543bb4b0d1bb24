package org.vmapstress.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.harness.exec.ExecutionResult;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.harness.exec.ModelShape;
import org.vmapstress.harness.sched.ControlledScheduler;
import org.vmapstress.harness.sched.Step;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;
import org.vmapstress.model.InvariantId;

/**
 * Migration as a scheduler choice ({@code +migrate}): the canary list-add-this-cpu breaks
 * QUEUE-OWNER only when its task migrates between two reads of its CPU inside one vm_map_ram.
 * run's defaults find it with migrations and cannot without; the failing execution replays
 * from its token, migrations included; and no worker is ever migrated while it holds a spinlock.
 */
class MigrationInsideOperationTest {
    private static final Execution EXECUTION = new Execution(Duration.ofSeconds(20), 200_000);
    private static final int EXECUTIONS = 300;

    /** run's defaults: the random workload, 3 workers x 20 operations on CPUs 0-3, seed 0x5eed. */
    private static ExecutionSpec runDefaults(BugSet bugs, String sched) {
        return new ExecutionSpec(bugs, ModelShape.firstCpus(4), "random", 3, 20, 0x5eed, sched, 0);
    }

    private static Explorer.Summary explore(ExecutionSpec template) throws InterruptedException {
        return new Explorer(EXECUTION).explore(template, EXECUTIONS, Duration.ofMinutes(5), s -> { });
    }

    @Test
    void aRaceThatNeedsAMigrationInsideAnOperationIsFoundWithMigrationsAndReplays() throws InterruptedException {
        BugSet canary = BugSet.of(Bug.LIST_ADD_THIS_CPU);
        for (String sched : List.of("random", "pct:3", "pos")) {
            Explorer.Summary without = explore(runDefaults(canary, sched));
            assertNull(without.failure(), () -> sched + " found it without migrating inside an operation: "
                    + without.failure().failureMessage());
        }
        ExecutionResult found = explore(runDefaults(canary, "random" + ExecutionSpec.MIGRATE)).failure();
        assertNotNull(found, "random+migrate did not find list-add-this-cpu within " + EXECUTIONS + " executions");
        assertEquals(InvariantId.QUEUE_OWNER.id(), found.failureId(), found.failureMessage());
        assertTrue(found.trace().stream().anyMatch(s -> s.point().equals(ControlledScheduler.MIGRATE) && s.operation().startsWith("map")),
                "a migration inside a map operation");

        Token token = Token.parse(Token.of(found).format());
        assertEquals("random+migrate", token.spec().sched());
        ExecutionResult replayed = EXECUTION.run(token.spec());
        assertEquals(found.failureMessage(), replayed.failureMessage());
        assertEquals(found.trace(), replayed.trace());
    }

    @Test
    void noWorkerIsMigratedWhileItHoldsASpinlock() throws InterruptedException {
        long migrations = 0;
        for (String sched : List.of("random+migrate", "pos+migrate")) {
            for (long exec = 0; exec < 20; exec++) {
                ExecutionResult result = EXECUTION.run(runDefaults(BugSet.NONE, sched).withExec(exec));
                assertEquals(org.vmapstress.reports.Verdict.CLEAN, result.verdict(), result.failureMessage());
                for (Step step : result.trace()) {
                    if (step.point().equals(ControlledScheduler.MIGRATE)) {
                        migrations++;
                        assertTrue(step.locks().isEmpty() || step.locks().equals("vmap_purge_lock"),
                                "migrated while holding " + step.locks() + " at step " + step.index());
                    }
                }
            }
        }
        assertTrue(migrations > 100, "the scheduler migrated workers " + migrations + " times in 40 executions");
    }
}
