package org.vmapstress.stress.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;
import org.vmapstress.model.CpuContext;
import org.vmapstress.model.ModelConfig;
import org.vmapstress.model.ModelLock;
import org.vmapstress.model.ScheduleHook;
import org.vmapstress.model.SchedulePoint;
import org.vmapstress.model.VmapAllocator;

/**
 * What each proposed patch for the in-transit window of vm_unmap_aliases costs the model
 * (docs/findings/vm-unmap-aliases-window.md), side by side in one run: one operation retires
 * {@code blocks} blocks (each filled by two 64-page vm_map_ram, one of them touched, both
 * unmapped), then calls vm_unmap_aliases once, as a vm_map_ram user between two attribute
 * changes does. Besides the time: TLB flushes, pages flushed and locks taken (every model
 * lock, the vb_free path's included), as totals with the count of operations.
 *
 * <p>Run: {@code java -cp "$(cat stress/target/bench.cp):stress/target/test-classes:stress/target/classes"
 * org.openjdk.jmh.Main RetirePatchBenchmark} (see README, "Benchmarks").
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class RetirePatchBenchmark {
    private static final int HALF_BLOCK = 64;

    @Param({"none", "flush-on-retire", "retire-list", "vbq-retire-list"})
    public String patch;

    @Param({"1", "8"})
    public int blocks;

    private VmapAllocator model;
    private final LockCounter locks = new LockCounter();
    private final CpuContext cpu = new CpuContext(0);
    private int[] pfns;

    /**
     * Totals over the measurement (JMH sums EVENTS counters): divide by {@code operations} for
     * the figures per operation.
     */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Costs {
        public long operations;
        public long flushes;
        public long pagesFlushed;
        public long locksTaken;
    }

    @Setup(Level.Trial)
    public void setUp() {
        BugSet switches = patch.equals("none") ? BugSet.NONE : BugSet.of(Bug.byName(patch).orElseThrow());
        model = new VmapAllocator(ModelConfig.small(), switches, locks);
        pfns = new int[HALF_BLOCK];
        for (int i = 0; i < HALF_BLOCK; i++) {
            pfns[i] = model.pages().allocPage(cpu);
        }
    }

    @Benchmark
    public long retireThenAliases(Costs costs) {
        long flushes = model.tlbs().flushes();
        long pages = model.tlbs().pagesFlushed();
        long taken = locks.taken;
        long sum = 0;
        for (int b = 0; b < blocks; b++) {
            long older = model.vmMapRam(cpu, pfns);
            long last = model.vmMapRam(cpu, pfns);
            model.touch(cpu, older);
            model.vmUnmapRam(cpu, older, HALF_BLOCK);
            model.vmUnmapRam(cpu, last, HALF_BLOCK);
            sum += older + last;
        }
        model.vmUnmapAliases(cpu);
        costs.operations++;
        costs.flushes += model.tlbs().flushes() - flushes;
        costs.pagesFlushed += model.tlbs().pagesFlushed() - pages;
        costs.locksTaken += locks.taken - taken;
        return sum;
    }

    /** Counts lock acquisitions (one thread: a plain field). */
    static final class LockCounter implements ScheduleHook {
        long taken;

        @Override
        public void point(SchedulePoint point, long subject) {
        }

        @Override
        public void beforeLock(ModelLock lock) {
            taken++;
        }
    }
}
