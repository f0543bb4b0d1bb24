package org.vmapstress.stress.lincheck;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import java.util.stream.Collectors;
import org.jetbrains.lincheck.LincheckAssertionError;
import org.jetbrains.lincheck.datastructures.Options;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;
import org.vmapstress.reports.record.RunRecord;

/**
 * Lincheck finds the zoo's bugs: with one bug switched on, the suite's Lincheck check (its
 * settings and model, as {@link LincheckRun} runs it) must fail, and the failure must name one
 * of the invariants that bug breaks ({@link Bug#breaks()}), never another or a crash.
 * racy-lazy-count is left out: stress finds it in some runs only (docs/lincheck.md).
 * publish-before-init is asserted under model checking: stress finds it too, but only while its
 * two threads really run in parallel, which a busy machine does not give it (beside four busy
 * loops stress missed it in all 500 iterations); model checking schedules the threads itself.
 */
class ZooLincheckTest {
    @AfterEach
    void backToTheFixedModel() {
        ConfiguredLincheckTest.configure(BugSet.NONE, AllocatorLincheckTest.smallModel());
    }

    @ParameterizedTest(name = "{0} in {1}")
    @CsvSource({
        "lazy-pte-clear, stress", "lazy-pte-clear, model-checking", "last-region-mapped, stress",
        "no-fragment-purge, stress", "head-insert, stress", "free-list-walk, stress", "flush-over-and-over, stress",
        "purge-usable-blocks, stress", "impossible-cpu-hash, stress", "wrong-vbq-lock, stress", "publish-before-init, model-checking"})
    void lincheckFindsTheBugByTheInvariantItBreaks(String name, String mode) {
        Bug bug = Bug.byName(name).orElseThrow();
        BugSet bugs = BugSet.of(bug);
        ConfiguredLincheckTest.configure(bugs, LincheckRun.configFor(bugs));
        Options<?, ?> options = mode.equals("stress") ? AllocatorLincheckTest.stress() : AllocatorLincheckTest.modelChecking();
        LincheckStepLog.takeLastFailing(); // none left from an earlier test
        LincheckAssertionError error = assertThrows(LincheckAssertionError.class,
                () -> options.minimizeFailedScenario(false).check(ConfiguredLincheckTest.class));
        RunRecord.Failure failure = LincheckRun.failure(error.getMessage(), mode, name);
        assertTrue(bug.breaks().stream().anyMatch(i -> i.id().equals(failure.invariant())),
                name + " was reported as " + failure.invariant() + ", not as one of " + bug.breaks() + ": " + failure.message());
        assertMappedOntoTheModelsSteps(failure);
    }

    /**
     * Lincheck's failing invocation mapped onto the model's steps: a trace of them, and a story
     * from it whose first sentence names the invariant and whose every sentence names a step of it.
     */
    private static void assertMappedOntoTheModelsSteps(RunRecord.Failure failure) {
        assertTrue(failure.recorded() && !failure.trace().isEmpty(), "the model's steps of the failing invocation");
        RunRecord.Isolation told = failure.isolation();
        assertNotNull(told, "a story from the steps");
        assertTrue(told.story().size() >= 2 && told.story().get(0).text().startsWith(failure.invariant() + " "),
                () -> told.story().toString());
        Set<Integer> steps = failure.trace().stream().map(RunRecord.TraceStep::index).collect(Collectors.toSet());
        told.story().forEach(sentence -> assertTrue(steps.contains(sentence.step()), sentence::text));
    }
}
