package org.vmapstress.fray;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.ExtendWith;
import org.pastalab.fray.core.scheduler.PCTScheduler;
import org.pastalab.fray.junit.junit5.FrayTestExtension;
import org.pastalab.fray.junit.junit5.annotations.ConcurrencyTest;
import org.vmapstress.harness.exec.FreeRun;
import org.vmapstress.model.BugSet;

/**
 * The model under Fray's own JUnit 5 extension, as a Fray user writes it: each iteration runs one
 * execution of the zoo's workload on the fixed model, and any invariant the model reports fails
 * the test (Fray then prints the iteration and saves its recording under target/fray-report).
 */
@ExtendWith(FrayTestExtension.class)
class FixedModelConcurrencyTest {
    private static final AtomicLong EXECUTION = new AtomicLong();

    @ConcurrencyTest(iterations = 40)
    void theFixedModelHoldsEveryInvariantUnderPos() throws InterruptedException {
        check(new FrayWorkload(BugSet.NONE, 0).run(EXECUTION.getAndIncrement()));
    }

    @ConcurrencyTest(iterations = 40, scheduler = PCTScheduler.class)
    void theFixedModelHoldsEveryInvariantUnderPct() throws InterruptedException {
        check(new FrayWorkload(BugSet.NONE, 1).run(EXECUTION.getAndIncrement()));
    }

    private static void check(FreeRun.Outcome outcome) {
        assertNull(outcome.violation(), () -> String.valueOf(outcome.violation()));
        assertTrue(outcome.completed(), () -> outcome.end().toString());
    }
}
