package org.vmapstress.harness.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.vmapstress.harness.sched.ExecutionEnd;
import org.vmapstress.model.BugSet;
import org.vmapstress.model.InvariantId;
import org.vmapstress.model.RaisedViolation;
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
        assertTrue(outcome.end().detail().contains("none deadlocked: free-worker-"), outcome.end().detail());
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

    /** Two threads each holding the lock the other waits for: a LOCK-ORDER violation, the id a controlled deadlock has. */
    @Test
    void workersWaitingForEachOthersLocksAreADeadlockWithTheirStates() throws InterruptedException {
        ReentrantLock a = new ReentrantLock();
        ReentrantLock b = new ReentrantLock();
        CountDownLatch bothHold = new CountDownLatch(2);
        Thread first = lockBoth("free-worker-0", a, b, bothHold);
        Thread second = lockBoth("free-worker-1", b, a, bothHold);
        first.start();
        second.start();
        waitUntilBlocked(first, second);
        FreeRun.Outcome outcome = FreeRun.stuck(List.of(first, second), Duration.ofSeconds(60), FreeRun.deadlockedThreadIds());
        assertEquals(ExecutionEnd.Kind.DEADLOCK, outcome.end().kind(), outcome.end().detail());
        assertEquals(InvariantId.LOCK_ORDER, outcome.violation().invariant());
        assertEquals(InvariantId.LOCK_ORDER.id(), new ExecutionResult(null, ExecutionEnd.deadlock("graph"), null, 0, List.of(), 0,
                List.of(), null).failureId(), "a controlled deadlock reports the same id");
        assertTrue(outcome.violation().message().contains("free-worker-0 WAITING on java.util.concurrent.locks.ReentrantLock")
                && outcome.violation().message().contains("held by free-worker-1"), outcome.violation().message());
    }

    private static Thread lockBoth(String name, ReentrantLock firstLock, ReentrantLock secondLock, CountDownLatch bothHold) {
        Thread thread = new Thread(() -> {
            firstLock.lock();
            bothHold.countDown();
            try {
                bothHold.await();
            } catch (InterruptedException e) {
                return;
            }
            secondLock.lock();
        }, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Until each thread waits for a lock some other thread owns (a thread WAITING may still be at the latch). */
    private static void waitUntilBlocked(Thread... threads) throws InterruptedException {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        for (int i = 0; i < 1000; i++) {
            if (java.util.Arrays.stream(threads).map(t -> mx.getThreadInfo(t.getId()))
                    .allMatch(info -> info != null && info.getLockOwnerName() != null)) {
                return;
            }
            Thread.sleep(5);
        }
        throw new AssertionError("the threads never both waited for each other's locks");
    }
}
