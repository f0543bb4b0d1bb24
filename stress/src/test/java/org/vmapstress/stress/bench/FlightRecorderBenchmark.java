package org.vmapstress.stress.bench;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.harness.exec.FreeRun;
import org.vmapstress.harness.exec.ModelShape;
import org.vmapstress.model.BugSet;

/**
 * What the free-running flight recorder costs: executions/s of free-running on the fixed model
 * (random operations on CPUs 0-3) with the recorder off ({@code record=0}) and keeping the last
 * 256 events of each worker, side by side in one run, for two workloads: {@code 3x20}, what
 * {@code run} runs by default (3 workers x 20 operations), and {@code 4x100}, longer executions
 * in which the model's own work, and so the events, weigh more against starting the threads.
 * Each invocation is one execution (a fresh model and workload, its threads started and joined).
 *
 * <p>Run: {@code ./mvnw -q -pl stress -am test-compile && java -cp
 * "stress/target/test-classes:$(cat stress/target/bench.cp)" org.openjdk.jmh.Main FlightRecorderBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
@State(Scope.Benchmark)
public class FlightRecorderBenchmark {
    @Param({"0", "256"})
    public int record;

    /** Workers x operations per worker. */
    @Param({"3x20", "4x100"})
    public String workload;

    private FreeRun freeRun;
    private ExecutionSpec spec;
    private long exec;

    @Setup
    public void setUp() {
        freeRun = new FreeRun(Duration.ofSeconds(60), record);
        String[] workersByOps = workload.split("x");
        spec = new ExecutionSpec(BugSet.NONE, ModelShape.firstCpus(4), ExecutionSpec.RANDOM_SCENARIO,
                Integer.parseInt(workersByOps[0]), Integer.parseInt(workersByOps[1]), 0x5eed,
                ExecutionSpec.FREE_RUNNING, 0);
    }

    @Benchmark
    public FreeRun.Outcome freeRunningExecution() throws InterruptedException {
        FreeRun.Outcome outcome = freeRun.run(spec.withExec(exec++));
        if (!outcome.completed()) {
            throw new IllegalStateException("the fixed model failed free-running: " + outcome.end());
        }
        return outcome;
    }
}
