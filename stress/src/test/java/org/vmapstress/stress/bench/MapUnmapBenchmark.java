package org.vmapstress.stress.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
import org.vmapstress.model.ModelLock;
import org.vmapstress.model.ScheduleHook;
import org.vmapstress.model.SchedulePoint;
import org.vmapstress.model.VmapAllocator;

/**
 * The model's single-thread cost of one vm_map_ram + vm_unmap_ram pair (the kernel's
 * {@code vm_map_ram_test} loop without the byte write), with the production hook and, side by
 * side, with a hook that counts every schedule point (what any real hook at least costs).
 *
 * <p>Run: {@code ./mvnw -q -pl stress -am test-compile && java -cp "$(cat stress/target/bench.cp)"
 * org.openjdk.jmh.Main MapUnmapBenchmark} (see README, "Benchmarks").
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class MapUnmapBenchmark {

    @Param({"none", "counting"})
    public String hook;

    @Param({"1", "16"})
    public int pages;

    private VmapAllocator model;
    private final CpuContext cpu = new CpuContext(0);
    private int[] pfns;

    @Setup(Level.Trial)
    public void setUp() {
        ScheduleHook chosen = "none".equals(hook) ? ScheduleHook.NONE : new CountingHook();
        model = new VmapAllocator(ModelConfig.small(), BugSet.NONE, chosen);
        pfns = new int[pages];
        for (int i = 0; i < pages; i++) {
            pfns[i] = model.pages().allocPage(cpu);
        }
    }

    @Benchmark
    public long mapThenUnmap() {
        long va = model.vmMapRam(cpu, pfns);
        model.vmUnmapRam(cpu, va, pages);
        return va;
    }

    /** Counts schedule points and lock operations; never controls blocking. */
    static final class CountingHook implements ScheduleHook {
        final LongAdder steps = new LongAdder();

        @Override
        public void point(SchedulePoint point, long subject) {
            steps.increment();
        }

        @Override
        public void beforeLock(ModelLock lock) {
            steps.increment();
        }

        @Override
        public void afterUnlock(ModelLock lock) {
            steps.increment();
        }
    }
}
