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
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.harness.exec.ExecutionResult;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.harness.exec.FreeRun;
import org.vmapstress.harness.exec.ModelShape;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;

/**
 * What the race detector ({@code --races}) costs: executions/s on the fixed model with it off
 * and on, side by side in one run, under the controlled random walk and free-running, on
 * {@code run}'s default workload (3 workers x 20 random operations, CPUs 0-3). Each invocation
 * is one execution (a fresh model and workload, its threads started and joined).
 *
 * <p>Run: {@code ./mvnw -q -pl stress -am test-compile && java -cp
 * "stress/target/test-classes:$(cat stress/target/bench.cp)" org.openjdk.jmh.Main RaceDetectorBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(2)
@State(Scope.Benchmark)
public class RaceDetectorBenchmark {
    @Param({"off", "on"})
    public String races;

    private final Execution controlled = new Execution(Duration.ofSeconds(20), 200_000);
    private final FreeRun freeRun = new FreeRun(Duration.ofSeconds(60), 0);
    private ExecutionSpec random;
    private ExecutionSpec free;
    private long exec;

    @Setup
    public void setUp() {
        BugSet bugs = races.equals("on") ? BugSet.of(Bug.DATA_RACES) : BugSet.NONE;
        random = new ExecutionSpec(bugs, ModelShape.firstCpus(4), ExecutionSpec.RANDOM_SCENARIO, 3, 20, 0x5eed, "random", 0);
        free = random.withSched(ExecutionSpec.FREE_RUNNING);
    }

    @Benchmark
    public ExecutionResult controlledRandom() throws InterruptedException {
        ExecutionResult result = controlled.run(random.withExec(exec++));
        if (result.failed()) {
            throw new IllegalStateException("the fixed model failed: " + result.failureMessage());
        }
        return result;
    }

    @Benchmark
    public FreeRun.Outcome freeRunning() throws InterruptedException {
        FreeRun.Outcome outcome = freeRun.run(free.withExec(exec++));
        if (!outcome.completed()) {
            throw new IllegalStateException("the fixed model failed free-running: " + outcome.end());
        }
        return outcome;
    }
}
