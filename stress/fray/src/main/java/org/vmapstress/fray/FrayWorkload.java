package org.vmapstress.fray;

import java.time.Duration;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.harness.exec.FreeRun;
import org.vmapstress.harness.exec.ModelShape;
import org.vmapstress.model.BugSet;

/**
 * What Fray runs: the workload every engine of {@code bench} runs (3 workers x 20 random
 * operations, the zoo's profiles in turn), executed by the harness's free-running engine
 * ({@link FreeRun}: real threads, the model's production hook, the same operation, quiescent
 * and end checks; no flight recorder, whose stamps would be synchronisation of their own), so
 * that Fray interleaves the model at its own locks and atomics. Execution
 * {@code i} is profile {@code i mod 2}'s execution {@code i / 2}: the workloads the controlled
 * engines run for the same seed.
 */
record FrayWorkload(BugSet bugs, int seed) {
    static final int THREADS = 3;
    static final int OPS = 20;
    /** A free-running execution stuck this long is reported by FreeRun; Fray's own deadlock check comes first. */
    private static final Duration WATCHDOG = Duration.ofSeconds(60);

    /** The zoo's seed for seed index {@code seed}, as the harness numbers them. */
    long workloadSeed() {
        return 0x5eed + seed;
    }

    ExecutionSpec execution(long index) {
        ModelShape shape = ModelShape.ZOO_PROFILES.get((int) (index % ModelShape.ZOO_PROFILES.size()));
        return new ExecutionSpec(bugs, shape, ExecutionSpec.RANDOM_SCENARIO, THREADS, OPS, workloadSeed(), ExecutionSpec.FREE_RUNNING,
                index / ModelShape.ZOO_PROFILES.size());
    }

    FreeRun.Outcome run(long index) throws InterruptedException {
        return new FreeRun(WATCHDOG, 0).run(execution(index));
    }
}
