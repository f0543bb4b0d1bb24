package org.vmapstress.harness.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.vmapstress.harness.Explorer;
import org.vmapstress.harness.sched.ExecutionEnd;
import org.vmapstress.harness.sched.WaitsFor;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;
import org.vmapstress.model.InvariantId;
import org.vmapstress.model.LockClass;
import org.vmapstress.model.LockWait;
import org.vmapstress.model.ModelLock;
import org.vmapstress.model.RaisedViolation;
import org.vmapstress.model.ScheduleHook;
import org.vmapstress.model.Violation;

/** How a free-running execution that does not end by itself is judged: never silently, never as a guess. */
class FreeRunTest {
    /** Workers still busy at the watchdog, none waiting for a lock: could not judge, not a "deadlock?" violation. */
    @Test
    void aSlowExecutionAtTheWatchdogIsIncompleteNotADeadlock() throws InterruptedException {
        ExecutionSpec spec = new ExecutionSpec(BugSet.NONE, ModelShape.firstCpus(4), "random", 4, 2000, 1, ExecutionSpec.FREE_RUNNING, 0);
        FreeRun.Outcome outcome = new FreeRun(Duration.ofMillis(1), 0).run(spec);
        assertEquals(ExecutionEnd.Kind.WATCHDOG, outcome.end().kind(), outcome.end().detail());
        assertNull(outcome.violation());
        assertTrue(outcome.end().detail().contains("none waiting forever for a model lock: free-worker-"), outcome.end().detail());
    }

    /**
     * Parallel workers may each see a violation: the execution's is the one raised first, also
     * when it is reported last (a worker dying of an assertion, whose released lock let another
     * run on the state it left and report first).
     */
    @Test
    void theViolationRaisedFirstIsTheExecutionsWhicheverIsReportedFirst() {
        Violation aliases = new Violation(InvariantId.ALIASES_FLUSHED, "what the half-done purge left");
        FreeRun.Seen caused = new FreeRun.Seen(1, new RaisedViolation(aliases, 200));
        FreeRun.Seen assertion = new FreeRun.Seen(0, new RaisedViolation(new Violation(InvariantId.PUBLISHED_INIT, "raised first"), 100));
        java.util.concurrent.atomic.AtomicReference<FreeRun.Seen> found = new java.util.concurrent.atomic.AtomicReference<>();

        found.accumulateAndGet(caused, FreeRun.Seen::first);
        found.accumulateAndGet(assertion, FreeRun.Seen::first);
        assertEquals(assertion, found.get());
        found.accumulateAndGet(new FreeRun.Seen(2, new RaisedViolation(aliases, 300)), FreeRun.Seen::first);
        assertEquals(assertion, found.get(), "a later one never displaces it");
        found.accumulateAndGet(new FreeRun.Seen(3, new RaisedViolation(aliases, 100)), FreeRun.Seen::first);
        assertEquals(assertion, found.get(), "a tie keeps the one reported first");
        FreeRun.Seen wrapped = new FreeRun.Seen(1, new RaisedViolation(aliases, Long.MAX_VALUE));
        FreeRun.Seen afterTheWrap = new FreeRun.Seen(0, new RaisedViolation(aliases, Long.MIN_VALUE));
        assertEquals(wrapped, FreeRun.Seen.first(afterTheWrap, wrapped), "nanoTime values compare by their difference");
    }


    /**
     * T1 ended holding vbq[0].lock (as the task an oops kills between lock() and the try does);
     * T0, holding vb@0.lock, waits for it, and T2 waits for T0's: both wait forever, a HANG
     * with the holder chain, named in the model's terms, whatever the JVM's deadlock finder says.
     */
    @Test
    void workersWaitingForALockWhoseHolderEndedAreAHangWithTheHolderChain() throws InterruptedException {
        ModelLock block = new ModelLock(LockClass.BLOCK, "vb@0.lock", ScheduleHook.NONE);
        ModelLock queue = new ModelLock(LockClass.QUEUE, "vbq[0].lock", ScheduleHook.NONE);
        Thread leaker = daemon("free-worker-1", queue::lock);
        leaker.start();
        leaker.join();
        CountDownLatch blockTaken = new CountDownLatch(1);
        Thread first = daemon("free-worker-0", () -> {
            block.lock();
            blockTaken.countDown();
            queue.lock();
        });
        first.start();
        blockTaken.await();
        Thread behind = daemon("free-worker-2", block::lock);
        behind.start();
        List<Thread> workers = List.of(first, leaker, behind);
        awaitWaiting(first, behind);

        WaitsFor.Stall stall = FreeRun.stall(workers).orElseThrow();
        assertEquals(InvariantId.HANG, stall.invariant());
        assertEquals(List.of(0, 2), stall.stuck());
        assertEquals("T0 waits for vbq[0].lock held by T1, which ended holding it; T2 waits for vb@0.lock held by T0", stall.chain());
        FreeRun.Outcome outcome = FreeRun.stuck(workers, Optional.of(stall), null, new FreeRun.Limit(Duration.ofSeconds(1), null), null);
        assertEquals(ExecutionEnd.Kind.HANG, outcome.end().kind());
        assertEquals(InvariantId.HANG, outcome.violation().invariant());
    }

    /** A worker waiting for a lock whose holder runs on (here: waits outside the model's locks) is no stall: it may yet get it. */
    @Test
    void aWorkerWaitingForAHolderThatMayStillReleaseIsNoStall() throws InterruptedException {
        ModelLock block = new ModelLock(LockClass.BLOCK, "vb@0.lock", ScheduleHook.NONE);
        CountDownLatch taken = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = daemon("free-worker-0", () -> {
            block.lock();
            taken.countDown();
            awaitQuietly(release);
            block.unlock();
        });
        holder.start();
        taken.await();
        Thread waiter = daemon("free-worker-1", () -> {
            block.lock();
            block.unlock();
        });
        waiter.start();
        awaitWaiting(waiter);
        assertTrue(FreeRun.stall(List.of(holder, waiter)).isEmpty());
        release.countDown();
        waiter.join(10_000);
        assertFalse(waiter.isAlive(), "the waiter got the lock once it was released");
    }

    /**
     * The canary queue-lock-first: lockdep's report at vb->lock kills the task holding vbq->lock,
     * and the workers that need that queue wait for it forever. Every execution ends at once, red
     * with LOCK-ORDER (the violation raised first), the ones where others waited with the holder
     * chain naming the dead holder; before the waits-for graph they stood at the watchdog, amber.
     * One possible CPU, so that every worker needs the one queue: about a quarter of the
     * executions leave others waiting (measured: 26 of 100 idle; 4 of 100 with four CPUs).
     */
    @Test
    void aLockAnOopsLeftHeldEndsTheExecutionRedAtOnceNamingTheDeadHolder() throws InterruptedException {
        ExecutionSpec spec = new ExecutionSpec(BugSet.of(Bug.QUEUE_LOCK_FIRST), ModelShape.firstCpus(1), "random", 3, 20, 0x5eed,
                ExecutionSpec.FREE_RUNNING, 0);
        FreeRun freeRun = new FreeRun(Duration.ofSeconds(60), 64);
        int stalled = 0;
        for (int exec = 0; exec < 200 && stalled < 3; exec++) {
            long start = System.nanoTime();
            FreeRun.Outcome outcome = freeRun.run(spec.withExec(exec));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(InvariantId.LOCK_ORDER, outcome.violation() == null ? null : outcome.violation().invariant(),
                    "execution " + exec + ": " + outcome.end());
            assertTrue(outcome.violation().message().matches(".*T\\d died holding vbq\\[\\d\\]\\.lock.*"), outcome.violation().message());
            assertTrue(millis < 10_000, "execution " + exec + " took " + millis + " ms");
            if (outcome.end().detail().contains("; then ")) {
                stalled++;
                assertTrue(outcome.end().detail().matches(".*; then T\\d .*waits for vbq\\[\\d\\]\\.lock held by T\\d, which ended holding it.*"),
                        outcome.end().detail());
            }
        }
        assertTrue(stalled > 0, "no execution of 200 left a worker waiting for the dead holder's lock");
    }

    /** A worker that never ends, spinning outside the model's locks, meets what the run's budget has left, not the 60 s watchdog. */
    @Test
    void anExecutionThatNeverEndsMeetsWhatIsLeftOfTheBudget() throws InterruptedException {
        AtomicBoolean release = new AtomicBoolean();
        FreeRun freeRun = new FreeRun(Duration.ofSeconds(60), 0, hook -> spinningWorker0(hook, release));
        ExecutionSpec spec = new ExecutionSpec(BugSet.NONE, ModelShape.firstCpus(4), "random", 3, 20, 1, ExecutionSpec.FREE_RUNNING, 0);
        long start = System.nanoTime();
        FreeRun.Outcome outcome;
        try {
            outcome = freeRun.run(spec, Duration.ofSeconds(1));
        } finally {
            release.set(true);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(ExecutionEnd.Kind.WATCHDOG, outcome.end().kind(), outcome.end().detail());
        assertNull(outcome.violation());
        assertTrue(millis < 3_000, "took " + millis + " ms");
        assertTrue(outcome.end().detail().startsWith("no end within 1000 ms: what was left of the run's budget (the watchdog is 60 s); "),
                outcome.end().detail());
    }

    /**
     * A free-running exploration whose executions never end is incomplete within its budget plus
     * the exploration's overrun (and so within the 5 s a run may go past it), not at the 60 s watchdog.
     */
    @Test
    void anExplorationWhoseExecutionsNeverEndIsIncompleteWithinItsBudget() throws InterruptedException {
        AtomicBoolean release = new AtomicBoolean();
        Explorer explorer = new Explorer(new Execution(Duration.ofSeconds(20), 200_000),
                new FreeRun(Explorer.FREE_WATCHDOG, 0, hook -> spinningWorker0(hook, release)));
        ExecutionSpec spec = new ExecutionSpec(BugSet.NONE, ModelShape.firstCpus(4), "random", 4, 100, 1, ExecutionSpec.FREE_RUNNING, 0);
        Duration budget = Duration.ofSeconds(3);
        long start = System.nanoTime();
        Explorer.Summary summary;
        try {
            summary = explorer.explore(spec, 1000, budget, progress -> { });
        } finally {
            release.set(true);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(ExecutionEnd.Kind.WATCHDOG, summary.freeUnjudged().kind(), summary.freeUnjudged().detail());
        assertTrue(millis <= budget.plus(Explorer.OVERRUN).toMillis() + 1_000, "took " + millis + " ms");
    }

    /** {@code hook}, except that worker 0 spins at its first schedule point holding no lock, until {@code release}. */
    static ScheduleHook spinningWorker0(ScheduleHook hook, AtomicBoolean release) {
        return (point, subject) -> {
            if (Thread.currentThread().getName().equals("free-worker-0") && ModelLock.heldByCurrentThread().isEmpty()) {
                while (!release.get()) {
                    Thread.onSpinWait();
                }
            }
            hook.point(point, subject);
        };
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Until each thread waits in ModelLock.lock. */
    private static void awaitWaiting(Thread... threads) throws InterruptedException {
        for (int i = 0; i < 1000; i++) {
            if (Arrays.stream(threads).allMatch(t -> LockWait.of(t) != null && t.getState() == Thread.State.WAITING)) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the threads never all waited for a model lock");
    }
}
