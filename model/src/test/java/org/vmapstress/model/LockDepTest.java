package org.vmapstress.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** LOCK-ORDER: the written order is enforced at every acquire, and controlled blocking goes through the hook. */
class LockDepTest {
    private final ModelLock purge = new ModelLock(LockClass.PURGE, "vmap_purge_lock", ScheduleHook.NONE);
    private final ModelLock block = new ModelLock(LockClass.BLOCK, "vb@0.lock", ScheduleHook.NONE);
    private final ModelLock otherBlock = new ModelLock(LockClass.BLOCK, "vb@128.lock", ScheduleHook.NONE);
    private final ModelLock queue = new ModelLock(LockClass.QUEUE, "vbq[0].lock", ScheduleHook.NONE);
    private final ModelLock vaLock = new ModelLock(LockClass.VMAP_AREA, "vmap_area_lock", ScheduleHook.NONE);
    private final ModelLock lazyLock = new ModelLock(LockClass.LAZY, "lazy.lock", ScheduleHook.NONE);

    private static InvariantId violationOf(Runnable action) {
        return assertThrows(ModelAssertion.class, action::run).violation().invariant();
    }

    @Test
    void theKernelOrderIsAccepted() {
        purge.lock();
        block.lock();
        queue.lock();
        vaLock.lock();
        assertEquals(List.of(purge, block, queue, vaLock), LockDep.heldByCurrentThread());
        vaLock.unlock();
        queue.unlock();
        block.unlock();
        purge.unlock();
        assertEquals(List.of(), LockDep.heldByCurrentThread());
    }

    @Test
    void aQueueLockThenABlockLockIsRejected() {
        queue.lock();
        try {
            assertEquals(InvariantId.LOCK_ORDER, violationOf(block::lock));
            assertTrue(block.holder() == null, "the rejected lock was not taken");
        } finally {
            queue.unlock();
        }
    }

    @Test
    void twoBlockLocksOrTwoLeavesNeverNest() {
        block.lock();
        try {
            assertEquals(InvariantId.LOCK_ORDER, violationOf(otherBlock::lock));
            assertEquals(InvariantId.LOCK_ORDER, violationOf(block::lock), "recursion is a self-deadlock");
        } finally {
            block.unlock();
        }
        vaLock.lock();
        try {
            assertEquals(InvariantId.LOCK_ORDER, violationOf(lazyLock::lock));
        } finally {
            vaLock.unlock();
        }
    }

    @Test
    void releasingALockNotHeldIsRejected() {
        assertEquals(InvariantId.LOCK_ORDER, violationOf(purge::unlock));
    }

    /**
     * A thread dying of a model assertion (the kernel's oops) gives no one the turn: the locks
     * its finally blocks release are released, not as schedule points (the hook is told apart);
     * taking a lock again ends its dying, and its releases are schedule points once more.
     */
    @Test
    void theReleasesOnTheWayOutOfAnAssertionAreNoSchedulePoints() {
        List<String> releases = new java.util.ArrayList<>();
        List<String> releasesWhileDying = new java.util.ArrayList<>();
        ScheduleHook observer = new ScheduleHook() {
            @Override
            public void point(SchedulePoint point, long subject) {
            }

            @Override
            public void afterUnlock(ModelLock lock) {
                releases.add(lock.name());
            }

            @Override
            public void releasedWhileDying(ModelLock lock) {
                releasesWhileDying.add(lock.name());
            }
        };
        ModelLock outer = new ModelLock(LockClass.PURGE, "vmap_purge_lock", observer);
        ModelLock inner = new ModelLock(LockClass.BLOCK, "vb@0.lock", observer);
        assertEquals(InvariantId.PUBLISHED_INIT, violationOf(() -> {
            outer.lock();
            try {
                inner.lock();
                try {
                    throw new ModelAssertion(InvariantId.PUBLISHED_INIT, "raised while both are held");
                } finally {
                    inner.unlock();
                }
            } finally {
                outer.unlock();
            }
        }));
        assertEquals(List.of(), releases, "no schedule point on the way out");
        assertEquals(List.of("vb@0.lock", "vmap_purge_lock"), releasesWhileDying, "but the hook is told");
        assertEquals(List.of(), LockDep.heldByCurrentThread(), "but released");
        assertEquals(null, outer.holder());

        outer.lock();
        outer.unlock();
        assertEquals(List.of("vmap_purge_lock"), releases, "alive again once it takes a lock");
        assertEquals(2, releasesWhileDying.size());
    }

    /** Under a controlled hook a contended lock never blocks its thread: it hands back the turn until free. */
    @Test
    void aContendedLockUnderAControlledHookSpinsThroughTheHook() throws InterruptedException {
        AtomicInteger blockedCalls = new AtomicInteger();
        CountDownLatch firstBlocked = new CountDownLatch(1);
        ScheduleHook controlled = new ScheduleHook() {
            @Override
            public void point(SchedulePoint point, long subject) {
            }

            @Override
            public boolean controlsBlocking() {
                return true;
            }

            @Override
            public void blocked(ModelLock lock) {
                blockedCalls.incrementAndGet();
                firstBlocked.countDown();
                Thread.onSpinWait();
            }
        };
        ModelLock lock = new ModelLock(LockClass.BLOCK, "vb@0.lock", controlled);
        lock.lock();
        Thread contender = new Thread(() -> {
            lock.lock();
            lock.unlock();
        });
        contender.start();
        assertTrue(firstBlocked.await(10, TimeUnit.SECONDS));
        assertEquals(Thread.currentThread(), lock.holder());
        lock.unlock();
        contender.join(10_000);
        assertTrue(blockedCalls.get() >= 1);
        assertEquals(null, lock.holder());
    }
}
