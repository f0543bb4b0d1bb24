package org.vmapstress.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.harness.exec.ExecutionResult;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.harness.exec.ModelShape;
import org.vmapstress.harness.sched.ControlledScheduler;
import org.vmapstress.harness.sched.ExecutionEnd;
import org.vmapstress.harness.sched.RandomWalk;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;
import org.vmapstress.model.CpuContext;
import org.vmapstress.model.InvariantId;
import org.vmapstress.model.LockClass;
import org.vmapstress.model.ModelAssertion;
import org.vmapstress.model.ModelLock;
import org.vmapstress.model.SchedulePoint;

/** Nothing hangs: deadlocks, runaways and spinning workers end as reported failures within budget. */
class SchedulerFailureTest {
    private static final List<CpuContext> CPUS = List.of(new CpuContext(0), new CpuContext(1));

    /** T0 takes the lock and ends without releasing it (a test-only bug); T1 then waits for it forever: a hang, not a cycle. */
    @Test
    void aWorkerWaitingForALockItsHolderEndedWithIsAHangNamingTheHolder() throws InterruptedException {
        for (long seed = 0; seed < 10; seed++) {
            ControlledScheduler scheduler = new ControlledScheduler(new RandomWalk(seed), 2, 10_000);
            ModelLock lock = new ModelLock(LockClass.BLOCK, "vb@0.lock", scheduler);
            Runnable leaker = lock::lock;
            Runnable waiter = () -> {
                scheduler.point(SchedulePoint.READ_CPU, 0);
                scheduler.point(SchedulePoint.READ_CPU, 0);
                lock.lock();
                lock.unlock();
            };
            ExecutionEnd end = scheduler.run(List.of(leaker, waiter), CPUS, Duration.ofSeconds(10));
            if (end.kind() != ExecutionEnd.Kind.COMPLETED) {
                assertEquals(ExecutionEnd.Kind.HANG, end.kind(), end.detail());
                assertEquals("T1 (in start) waits for vb@0.lock held by T0, which ended holding it", end.detail());
                return;
            }
        }
        throw new AssertionError("no seed of ten let T0 take the lock first");
    }

    /**
     * A worker dying of a model assertion reports it before any other worker runs: the locks its
     * finally blocks release on the way out are no schedule points, so a worker waiting for one
     * cannot run on the half-done state first and report what it caused as the first violation.
     */
    @Test
    void aWorkerDyingOfAnAssertionReportsItBeforeAnotherTakesItsLock() throws InterruptedException {
        int dyingFirst = 0;
        for (long seed = 0; seed < 40; seed++) {
            ControlledScheduler scheduler = new ControlledScheduler(new RandomWalk(seed), 2, 10_000);
            ModelLock lock = new ModelLock(LockClass.PURGE, "vmap_purge_lock", scheduler);
            List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
            Runnable dying = () -> {
                try {
                    lock.lock();
                    try {
                        events.add("took");
                        throw new ModelAssertion(InvariantId.PUBLISHED_INIT, "a half-done operation");
                    } finally {
                        lock.unlock();
                    }
                } catch (ModelAssertion assertion) {
                    events.add("reported");
                }
            };
            Runnable waiting = () -> {
                scheduler.point(SchedulePoint.READ_CPU, 0);
                lock.lock();
                events.add("the other took");
                lock.unlock();
            };
            scheduler.run(List.of(dying, waiting), CPUS, Duration.ofSeconds(10));
            if (events.indexOf("took") < events.indexOf("the other took")) {
                dyingFirst++;
                assertEquals(List.of("took", "reported", "the other took"), events, "seed " + seed);
            }
        }
        assertTrue(dyingFirst > 0, "no seed of forty let the dying worker take the lock first");
    }

    /**
     * The canary queue-lock-first under control: lockdep's report at vb->lock is the execution's
     * violation, and it names the worker that died holding vbq->lock (taken before the try), in
     * the first execution where a vb_alloc finds a block with room.
     */
    @Test
    void anOopsThatLeavesALockHeldNamesTheDeadHolder() throws InterruptedException {
        ExecutionSpec spec = new ExecutionSpec(BugSet.of(Bug.QUEUE_LOCK_FIRST), ModelShape.firstCpus(4), "random", 3, 20, 0x5eed,
                "random", 0);
        ExecutionResult result = new Execution(Duration.ofSeconds(20), 200_000).run(spec);
        assertEquals(InvariantId.LOCK_ORDER.id(), result.failureId(), result.failureMessage());
        assertTrue(result.failureMessage().matches(".*took vb@\\d+\\.lock while holding vbq\\[\\d\\]\\.lock.*; "
                + "T\\d died holding vbq\\[\\d\\]\\.lock, which no one can take again"), result.failureMessage());
    }

    @Test
    void aLockTakenAgainstTheOrderIsReportedWithoutADeadlock() throws InterruptedException {
        ControlledScheduler scheduler = new ControlledScheduler(new RandomWalk(1), 1, 10_000);
        ModelLock queue = new ModelLock(LockClass.QUEUE, "vbq[0].lock", scheduler);
        ModelLock block = new ModelLock(LockClass.BLOCK, "vb@0.lock", scheduler);
        Runnable inverted = () -> {
            queue.lock();
            block.lock();
        };
        ExecutionEnd end = scheduler.run(List.of(inverted), List.of(new CpuContext(0)), Duration.ofSeconds(10));
        assertEquals(ExecutionEnd.Kind.CRASHED, end.kind());
        assertTrue(end.detail().contains("LOCK-ORDER: took vb@0.lock while holding vbq[0].lock"), end.detail());
    }

    @Test
    void aRunawayHitsTheStepLimit() throws InterruptedException {
        ControlledScheduler scheduler = new ControlledScheduler(new RandomWalk(1), 2, 5_000);
        Runnable forever = () -> {
            while (true) {
                scheduler.point(SchedulePoint.READ_CPU, 0);
            }
        };
        ExecutionEnd end = scheduler.run(List.of(forever, forever), CPUS, Duration.ofSeconds(10));
        assertEquals(ExecutionEnd.Kind.STEP_LIMIT, end.kind(), end.detail());
        assertEquals(5_000, scheduler.steps());
    }

    @Test
    void aWorkerSpinningOutsideTheModelHitsTheWatchdog() throws InterruptedException {
        ControlledScheduler scheduler = new ControlledScheduler(new RandomWalk(1), 1, 5_000);
        java.util.concurrent.atomic.AtomicBoolean release = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean spinnerEnded = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable spin = () -> {
            while (!release.get()) {
                Thread.onSpinWait();
            }
            spinnerEnded.set(true);
        };
        ExecutionEnd end = scheduler.run(List.of(spin), List.of(new CpuContext(0)), Duration.ofMillis(300));
        boolean returnedWhileSpinning = !spinnerEnded.get();
        release.set(true);
        assertEquals(ExecutionEnd.Kind.WATCHDOG, end.kind());
        assertTrue(end.detail().contains("T0 RUNNABLE in start"), end.detail());
        assertTrue(returnedWhileSpinning, "the watchdog waited for the spinner");
    }
}
