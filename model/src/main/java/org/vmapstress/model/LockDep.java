package org.vmapstress.model;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A lockdep for the model: tracks the locks each thread holds and throws a
 * {@link ModelAssertion} ({@link InvariantId#LOCK_ORDER}) when a lock is taken against the
 * order of {@link LockClass}, re-taken by its holder, or released by a thread that does not
 * hold it. It runs in production too: it costs a thread-local lookup per lock operation.
 */
final class LockDep {
    private static final ThreadLocal<List<ModelLock>> HELD = ThreadLocal.withInitial(() -> new ArrayList<>(4));

    private LockDep() {
    }

    static void checkAcquire(ModelLock lock) {
        List<ModelLock> held = HELD.get();
        for (ModelLock h : held) {
            if (h == lock) {
                throw new ModelAssertion(InvariantId.LOCK_ORDER,
                        "recursive acquire of " + lock.name() + " (a spinlock or mutex: self-deadlock)");
            }
            if (!lock.lockClass().mayNestInside(h.lockClass())) {
                throw new ModelAssertion(InvariantId.LOCK_ORDER, "took " + lock.name() + " while holding "
                        + h.name() + ": the order is purge -> block -> queue -> leaves (held: " + describe(held) + ")");
            }
        }
    }

    static void acquired(ModelLock lock) {
        HELD.get().add(lock);
    }

    static void released(ModelLock lock) {
        if (!HELD.get().remove(lock)) {
            throw new ModelAssertion(InvariantId.LOCK_ORDER, "released " + lock.name() + " without holding it");
        }
    }

    /** The locks the calling thread holds, outermost first. */
    static List<ModelLock> heldByCurrentThread() {
        return List.copyOf(HELD.get());
    }

    private static String describe(List<ModelLock> held) {
        return held.stream().map(ModelLock::name).collect(Collectors.joining(", "));
    }
}
