package org.vmapstress.harness.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vmapstress.harness.Explorer;
import org.vmapstress.harness.Shard;
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.harness.exec.ExecutionResult;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;
import org.vmapstress.model.InvariantId;

/**
 * The zoo's promise, fast and independent of the machine's speed: every bug is found by the
 * controlled scheduler (PCT depth 3, else the random walk) from the zoo's default settings (its
 * workload profiles and seed, nothing hand-fed) within {@value #EXECUTIONS} executions of some
 * profile (racy-lazy-count, the slowest, takes 295 under PCT), and the fixed model stays clean
 * for {@value #CLEAN_EXECUTIONS}. A "lock dropped around one update" canary runs with the race
 * detector on (RaceDetectionTest shows it missed with the detector off). Counts of executions,
 * not seconds: the controlled scheduler is deterministic, so a loaded machine takes longer but finds the same.
 * {@code ./vmapstress zoo} is the full version with every engine and a time budget.
 */
@Tag("zoo")
class ZooDetectionTest {
    private static final int EXECUTIONS = 1000;
    private static final int CLEAN_EXECUTIONS = 300;
    private static final int FREE_EXECUTIONS = 2000;
    /** Only against a hang. */
    private static final Duration HANG_GUARD = Duration.ofMinutes(10);
    private static final Execution EXECUTION = new Execution(RunCommand.WATCHDOG, RunCommand.STEP_LIMIT);

    /** The first failing execution of the zoo's profiles for {@code engine} (each explored in turn), or null. */
    private static ExecutionResult firstFailure(BugSet bugs, String engine, int executions) throws InterruptedException {
        for (ExecutionSpec profile : ZooCommand.profiles(bugs, engine, 0)) {
            Explorer.Summary summary = new Explorer(EXECUTION).explore(profile, Shard.ALL, executions, HANG_GUARD, p -> { });
            if (summary.failure() != null) {
                return summary.failure();
            }
        }
        return null;
    }

    /** The switches that break something: the zoo and the canaries (patches fix, the strict check has its own tests). */
    static Stream<Bug> bugsAndCanaries() {
        return Stream.concat(Bug.zoo().stream(), Bug.ofKind(Bug.Kind.CANARY).stream());
    }

    @ParameterizedTest
    @MethodSource("bugsAndCanaries")
    void everyBugIsFoundByTheControlledSchedulerFromTheZoosDefaults(Bug bug) throws InterruptedException {
        assertFound(isRaceCanary(bug) ? BugSet.of(bug, Bug.DATA_RACES) : BugSet.of(bug));
    }

    /** A "lock dropped around one update" canary: the race detector is what finds it. */
    private static boolean isRaceCanary(Bug bug) {
        return bug.isCanary() && bug.breaks().get(0) == InvariantId.DATA_RACE;
    }

    /**
     * POS alone, from the zoo's defaults, finds every zoo bug, each by an invariant it breaks
     * (measured: racy-lazy-count in execution 42, against 294 under PCT).
     */
    @ParameterizedTest
    @MethodSource("org.vmapstress.model.Bug#zoo")
    void everyZooBugIsFoundByPos(Bug bug) throws InterruptedException {
        ExecutionResult failure = firstFailure(BugSet.of(bug), "pos", EXECUTIONS);
        assertNotNull(failure, bug.cliName() + " not found by pos within " + EXECUTIONS + " executions of each profile");
        assertTrue(bug.breaks().stream().anyMatch(id -> id.id().equals(failure.failureId())),
                bug.cliName() + " showed " + failure.failureId() + ": " + failure.failureMessage());
    }

    static Stream<Arguments> zooBugsWithEachPatch() {
        return Bug.ofKind(Bug.Kind.PATCH).stream().flatMap(patch -> Bug.zoo().stream().map(bug -> Arguments.of(bug, patch)));
    }

    /** A proposed kernel patch must not hide a historical bug: with it on, each is still found, by an invariant it breaks. */
    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("zooBugsWithEachPatch")
    void everyBugIsStillFoundWithEachPatchOn(Bug bug, Bug patch) throws InterruptedException {
        assertFound(BugSet.of(bug, patch));
    }

    /**
     * {@code switches}' bug is found by PCT depth 3, else the random walk, from the zoo's
     * profiles, by an invariant it breaks; the canary list-add-this-cpu, a race that needs a
     * migration inside an operation, by the random walk with migrations (random+migrate).
     */
    private static void assertFound(BugSet switches) throws InterruptedException {
        for (String engine : List.of("pct3", "random", "random" + ExecutionSpec.MIGRATE)) {
            ExecutionResult failure = firstFailure(switches, engine, EXECUTIONS);
            if (failure != null) {
                System.out.printf("zoo: %-20s found by %-6s in execution %d (%s)%n", switches, engine,
                        failure.spec().exec(), failure.failureId());
                assertEquals(org.vmapstress.reports.Verdict.VIOLATION, failure.verdict(), failure.failureMessage());
                assertTrue(switches.breaks().contains(failure.failureId()),
                        switches + " showed " + failure.failureId() + ", not an invariant it breaks: " + failure.failureMessage());
                return;
            }
        }
        throw new AssertionError(switches + " not found within " + EXECUTIONS + " executions of each profile and engine");
    }

    /**
     * free-list-walk is visible only through ALIASES-FLUSHED, which free-running could not check
     * until the checker read a consistent page history (docs/model.md, "The free-running false
     * alarm"): it is found free-running, from the zoo's defaults, within {@value #FREE_EXECUTIONS}
     * executions (measured: execution 5).
     */
    @Test
    void freeListWalkIsFoundFreeRunning() throws InterruptedException {
        ExecutionResult failure = firstFailure(BugSet.of(Bug.FREE_LIST_WALK), ExecutionSpec.FREE_RUNNING, FREE_EXECUTIONS);
        assertNotNull(failure, "free-list-walk not found free-running within " + FREE_EXECUTIONS + " executions");
        assertEquals(List.of(failure.failureId()), BugSet.of(Bug.FREE_LIST_WALK).breaks(), failure.failureMessage());
    }

    /**
     * A deadlocking change (the canary flush-under-block-lock, an ABBA of vmap_purge_lock and
     * vb->lock) seen free-running comes back with a replay line: the controlled re-search finds
     * it again under the same id, LOCK-ORDER, and the replay shows it again.
     */
    @Test
    void aDeadlockingChangeSeenFreeRunningComesBackWithAReplayLine() throws InterruptedException {
        BugSet canary = BugSet.of(Bug.FLUSH_UNDER_BLOCK_LOCK);
        ExecutionResult failure = firstFailure(canary, ExecutionSpec.FREE_RUNNING, FREE_EXECUTIONS);
        assertNotNull(failure, "the deadlocking change not found free-running within " + FREE_EXECUTIONS + " executions");
        assertFalse(failure.spec().freeRunning(), "found again under the controlled scheduler, so it has a replay line");
        assertEquals(InvariantId.LOCK_ORDER.id(), failure.failureId(), failure.failureMessage());
        ExecutionResult replayed = EXECUTION.run(failure.spec());
        assertEquals(failure.failureId(), replayed.failureId(), replayed.failureMessage());
        assertEquals(failure.steps(), replayed.steps());
    }

    @Test
    void theFixedModelIsCleanUnderTheSameSettings() throws InterruptedException {
        for (String engine : List.of("pct3", "random", ExecutionSpec.FREE_RUNNING)) {
            ExecutionResult failure = firstFailure(BugSet.NONE, engine, CLEAN_EXECUTIONS);
            assertNull(failure, () -> engine + ": " + failure.failureMessage());
        }
    }
}
