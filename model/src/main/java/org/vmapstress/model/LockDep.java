package org.vmapstress.model;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A lockdep for the model: tracks the locks each thread holds and throws a
 * {@link ModelAssertion} ({@link InvariantId#LOCK_ORDER}) when a lock is taken against the
 * order of {@link LockClass}, re-taken by its holder, or released by a thread that does not
 * hold it. It runs in production too: it costs a thread-local lookup per lock operation.
 *
 * <p>It also knows which threads are dying: a thread that raised a {@link ModelAssertion} (the
 * kernel's oops) is dying until it takes a lock again. A kernel task killed by an oops never
 * runs on, so it gives no other task the turn; the model's releases on the way out of an
 * assertion (its {@code finally} blocks) are therefore no schedule points
 * ({@link ModelLock#unlock}, {@link ScheduleHook#releasedWhileDying}): under a controlled
 * scheduler no other thread runs on the half-done operation before the assertion is reported.
 * Where threads run in parallel one may, and what it then finds is raised after the assertion
 * ({@link RaisedViolation}).
 */
final class LockDep {
    private static final ThreadLocal<Task> TASK = ThreadLocal.withInitial(Task::new);

    private LockDep() {
    }

    /** One thread's locks, outermost first, and whether it is dying of an assertion. */
    private static final class Task {
        @Guarded(Guard.OWNER)
        final List<ModelLock> held = new ArrayList<>(4);
        @Guarded(Guard.OWNER)
        boolean dying;
    }

    static void checkAcquire(ModelLock lock) {
        Task task = TASK.get();
        task.dying = false;
        for (ModelLock h : task.held) {
            if (h == lock) {
                throw new ModelAssertion(InvariantId.LOCK_ORDER,
                        "recursive acquire of " + lock.name() + " (a spinlock or mutex: self-deadlock)");
            }
            if (!lock.lockClass().mayNestInside(h.lockClass())) {
                throw new ModelAssertion(InvariantId.LOCK_ORDER, "took " + lock.name() + " while holding "
                        + h.name() + ": the order is purge -> block -> queue -> leaves (held: " + describe(task.held) + ")");
            }
        }
    }

    static void acquired(ModelLock lock) {
        TASK.get().held.add(lock);
    }

    /** Records the release; returns whether the calling thread is dying (its release then gives no one the turn). */
    static boolean released(ModelLock lock) {
        Task task = TASK.get();
        if (!task.held.remove(lock)) {
            throw new ModelAssertion(InvariantId.LOCK_ORDER, "released " + lock.name() + " without holding it");
        }
        return task.dying;
    }

    /** The calling thread raised a model assertion: it is dying until it takes a lock again. */
    static void dying() {
        TASK.get().dying = true;
    }

    /** The locks the calling thread holds, outermost first. */
    static List<ModelLock> heldByCurrentThread() {
        return List.copyOf(TASK.get().held);
    }

    private static String describe(List<ModelLock> held) {
        return held.stream().map(ModelLock::name).collect(Collectors.joining(", "));
    }
}
