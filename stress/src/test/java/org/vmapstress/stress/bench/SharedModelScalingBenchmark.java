package org.vmapstress.stress.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
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
import org.vmapstress.model.BugSet;
import org.vmapstress.model.CpuContext;
import org.vmapstress.model.ModelConfig;
import org.vmapstress.model.ScheduleHook;
import org.vmapstress.model.VmapAllocator;

/**
 * How the model scales like the kernel's per-CPU design should: threads on different CPUs
 * mapping and unmapping through one shared model (vm_map_ram + vm_unmap_ram of one page, each
 * thread on its own CPU with its own page), against a baseline that runs the same pair under one
 * global lock. Run with {@code -t 1} and {@code -t 2} (JMH's threads) side by side; the goal of
 * issue 15 is 2 threads at 1.5x one thread or better, and above the global-lock baseline.
 *
 * <p>Run: {@code ./mvnw -q -pl stress -am test-compile && for t in 1 2; do java -cp
 * "stress/target/test-classes:$(cat stress/target/bench.cp)" org.openjdk.jmh.Main SharedModelScalingBenchmark -t $t; done}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(2)
public class SharedModelScalingBenchmark {

    /** The model every thread maps through, and the baseline's one lock. */
    @State(Scope.Benchmark)
    public static class Shared {
        @Param({"model", "global-lock"})
        public String mode;

        VmapAllocator model;
        final ReentrantLock global = new ReentrantLock();
        final AtomicInteger nextCpu = new AtomicInteger();

        @Setup
        public void setUp() {
            model = new VmapAllocator(ModelConfig.small(), BugSet.NONE, ScheduleHook.NONE);
        }
    }

    /** One thread's CPU (0, 1, ...) and page. */
    @State(Scope.Thread)
    public static class Caller {
        CpuContext cpu;
        int[] pfns;

        @Setup
        public void setUp(Shared shared) {
            cpu = new CpuContext(shared.nextCpu.getAndIncrement() % shared.model.config().possibleCpus().length);
            pfns = new int[] {shared.model.pages().allocPage()};
        }
    }

    @Benchmark
    public long mapThenUnmap(Shared shared, Caller caller) {
        if (shared.mode.equals("global-lock")) {
            shared.global.lock();
            try {
                return pair(shared.model, caller);
            } finally {
                shared.global.unlock();
            }
        }
        return pair(shared.model, caller);
    }

    private static long pair(VmapAllocator model, Caller caller) {
        long va = model.vmMapRam(caller.cpu, caller.pfns);
        model.vmUnmapRam(caller.cpu, va, caller.pfns.length);
        return va;
    }
}
