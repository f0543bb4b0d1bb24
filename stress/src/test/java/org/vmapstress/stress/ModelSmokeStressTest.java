package org.vmapstress.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.Phaser;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;
import org.vmapstress.model.CpuContext;
import org.vmapstress.model.Invariants;
import org.vmapstress.model.Mapping;
import org.vmapstress.model.ModelConfig;
import org.vmapstress.model.ScheduleHook;
import org.vmapstress.model.Violation;
import org.vmapstress.model.VmapAllocator;

/**
 * Free-running smoke test of the fixed model: six real threads on the small configuration's
 * four CPUs doing random map, touch, unmap, page reuse (as data and pinned as a page table),
 * migration, vm_unmap_aliases and sync purges for a few seconds. Operation checks run after
 * every operation; quiescent checks run whenever all workers meet at a barrier. Any violation,
 * exception or deadlock fails the test (a deadlock with every thread's stack).
 */
class ModelSmokeStressTest {
    private static final int WORKERS = 6;
    private static final int OPS_PER_ROUND = 300;
    /** Seconds per run; raise it for a soak with -Dvmapstress.smoke.seconds=N. */
    private static final Duration RUN_FOR = Duration.ofSeconds(Long.getLong("vmapstress.smoke.seconds", 3));
    /** Operations a run makes at least, however slow the machine (a loaded one runs longer than RUN_FOR). */
    private static final long MIN_OPERATIONS = 50_000;
    private static final Duration WATCHDOG = RUN_FOR.plusSeconds(300);

    private VmapAllocator model;
    private Invariants checks;
    private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    private final AtomicLong operations = new AtomicLong();
    private final AtomicLong quiescentChecks = new AtomicLong();
    private final List<Worker> workers = new ArrayList<>();
    private volatile boolean stopping;

    @Test
    void sixThreadsOfRandomOperationsKeepEveryInvariant() throws InterruptedException {
        runWorkers(BugSet.NONE, RUN_FOR);
        assertNull(firstFailure.get(), () -> "failed: " + firstFailure.get());
        model.purgeVmapAreaLazy();
        assertEquals(Optional.empty(), checks.noBlocksLeft());
        assertEquals(List.of(), checks.quiescent());
        assertEquals(model.config().vmallocPages(), model.freeVaPages(), "every VA came back");
        assertTrue(operations.get() >= MIN_OPERATIONS, "too few operations to mean anything: " + operations.get());
        assertTrue(quiescentChecks.get() > 5, "too few quiescent checks: " + quiescentChecks.get());
        assertTrue(model.tlbs().flushes() > 0, "the run never flushed: the lazy path was not exercised");
        System.out.printf("smoke: %d operations, %d quiescent checks, %d TLB flushes (%d pages) in %s%n",
                operations.get(), quiescentChecks.get(), model.tlbs().flushes(), model.tlbs().pagesFlushed(), RUN_FOR);
    }

    /** The same workload must be able to fail: with the seed bug on it sees a stale writable alias. */
    @Test
    void theSameWorkloadCatchesTheSeedBug() throws InterruptedException {
        runWorkers(BugSet.of(Bug.LAZY_PTE_CLEAR), RUN_FOR);
        Throwable failure = firstFailure.get();
        assertTrue(failure != null, "the seed bug went unnoticed for " + operations.get() + " operations");
        assertTrue(failure.getMessage().matches("(?s).*(PTE-ALIAS|UNMAP-CLEARS).*"), failure::toString);
    }

    private void runWorkers(BugSet bugs, Duration runFor) throws InterruptedException {
        model = new VmapAllocator(ModelConfig.small(), bugs, ScheduleHook.NONE);
        checks = model.invariants();
        long deadline = System.nanoTime() + runFor.toNanos();
        Phaser quiescence = new Phaser(WORKERS) {
            @Override
            protected boolean onAdvance(int phase, int parties) {
                checkQuiescent();
                return System.nanoTime() > deadline && operations.get() >= MIN_OPERATIONS || firstFailure.get() != null;
            }
        };
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) {
            Worker worker = new Worker(i, 0x5eed + i, quiescence);
            workers.add(worker);
            threads.add(new Thread(worker, "smoke-worker-" + i));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join(WATCHDOG.toMillis());
            if (t.isAlive()) {
                fail("no progress within " + WATCHDOG + " (deadlock?):\n" + threadDump());
            }
        }
    }

    private void checkQuiescent() {
        quiescentChecks.incrementAndGet();
        List<Violation> found = new ArrayList<>(checks.quiescent());
        List<Mapping> live = workers.stream().flatMap(w -> w.live.stream()).collect(Collectors.toList());
        checks.noOverlap(live).ifPresent(found::add);
        live.forEach(m -> checks.mappingIntact(m).ifPresent(found::add));
        if (!found.isEmpty()) {
            firstFailure.compareAndSet(null, new AssertionError("at quiescence: " + found));
        }
    }

    private final class Worker implements Runnable {
        private final SplittableRandom random;
        private final CpuContext cpu;
        private final Phaser quiescence;
        final List<Mapping> live = new ArrayList<>();
        private final List<Integer> ownedUnmapped = new ArrayList<>();
        private int livePages;

        Worker(int id, long seed, Phaser quiescence) {
            this.random = new SplittableRandom(seed);
            this.cpu = new CpuContext(id % model.config().nrCpuIds());
            this.quiescence = quiescence;
        }

        /** Rounds of operations, each ending at the phaser where the quiescent checks run; stops on the first failure. */
        @Override
        public void run() {
            try {
                while (!quiescence.isTerminated()) {
                    for (int i = 0; i < OPS_PER_ROUND && firstFailure.get() == null; i++) {
                        step();
                        operations.incrementAndGet();
                    }
                    quiescence.awaitAdvanceInterruptibly(quiescence.arrive(), WATCHDOG.toSeconds(), TimeUnit.SECONDS);
                }
                if (firstFailure.get() == null) {
                    tearDown();
                }
            } catch (InterruptedException | TimeoutException | RuntimeException | AssertionError e) {
                firstFailure.compareAndSet(null, e);
                quiescence.forceTermination();
            }
        }

        private void step() {
            int dice = random.nextInt(100);
            if (dice < 35) {
                map();
            } else if (dice < 55) {
                touch();
            } else if (dice < 80) {
                unmap();
            } else if (dice < 90) {
                reusePage();
            } else if (dice < 95) {
                cpu.migrateTo(model.config().possibleCpus()[random.nextInt(model.config().possibleCpus().length)]);
            } else if (dice < 99) {
                aliases();
            } else {
                model.purgeVmapAreaLazy();
            }
        }

        private void map() {
            int pages = random.nextInt(20) == 0 ? 65 + random.nextInt(32) : 1 + random.nextInt(64);
            if (livePages + pages > 150) {
                return;
            }
            int[] pfns = new int[pages];
            for (int i = 0; i < pages; i++) {
                pfns[i] = ownedUnmapped.isEmpty() ? model.pages().allocPage(cpu) : ownedUnmapped.remove(ownedUnmapped.size() - 1);
                if (pfns[i] < 0) {
                    Arrays.stream(pfns, 0, i).forEach(ownedUnmapped::add);
                    return;
                }
            }
            long va = model.vmMapRam(cpu, pfns);
            if (va < 0) {
                Arrays.stream(pfns).forEach(ownedUnmapped::add);
                return;
            }
            Mapping mapping = new Mapping(va, pfns);
            expectNone(checks.freshMapping(mapping));
            live.add(mapping);
            livePages += pages;
        }

        private void touch() {
            if (live.isEmpty()) {
                return;
            }
            Mapping m = live.get(random.nextInt(live.size()));
            int page = random.nextInt(m.pages());
            int reached = model.touch(cpu, m.va() + page);
            if (reached != m.pfnAt(page)) {
                throw new AssertionError("touch of live " + m + " page " + page + " on " + cpu + " reached pfn " + reached);
            }
        }

        private void unmap() {
            if (live.isEmpty()) {
                return;
            }
            Mapping m = live.remove(random.nextInt(live.size()));
            livePages -= m.pages();
            model.vmUnmapRam(cpu, m.va(), m.pages());
            expectNone(checks.unmapCleared(m));
            for (int pfn : m.pfns()) {
                if (random.nextBoolean()) {
                    model.pages().freePage(cpu, pfn);
                } else {
                    ownedUnmapped.add(pfn);
                }
            }
        }

        /** Reuse a page that was mapped before: as data, or pinned as a page table. */
        private void reusePage() {
            int pfn = ownedUnmapped.isEmpty() ? model.pages().allocPage(cpu) : ownedUnmapped.remove(ownedUnmapped.size() - 1);
            if (pfn < 0) {
                return;
            }
            expectNone(checks.noWritableAlias(pfn));
            if (random.nextBoolean()) {
                expectNone(checks.pinAccepted(pfn, model.pages().pinAsPageTable(pfn)));
                model.pages().unpin(pfn);
            }
            model.pages().freePage(cpu, pfn);
        }

        private void aliases() {
            long before = model.unmapTime();
            var report = model.vmUnmapAliases(cpu);
            expectNone(checks.aliasesFlushed(before));
            expectNone(checks.usableKept(report));
        }

        private void tearDown() {
            for (Mapping m : live) {
                model.vmUnmapRam(cpu, m.va(), m.pages());
                Arrays.stream(m.pfns()).forEach(pfn -> model.pages().freePage(cpu, pfn));
            }
            live.clear();
            ownedUnmapped.forEach(pfn -> model.pages().freePage(cpu, pfn));
            ownedUnmapped.clear();
        }

        private void expectNone(Optional<Violation> violation) {
            violation.ifPresent(v -> {
                throw new AssertionError(v.toString());
            });
        }
    }

    private static String threadDump() {
        return Arrays.stream(ManagementFactory.getThreadMXBean().dumpAllThreads(true, true))
                .map(ThreadInfo::toString).collect(Collectors.joining("\n"));
    }
}
