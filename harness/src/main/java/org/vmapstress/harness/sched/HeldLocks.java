package org.vmapstress.harness.sched;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.vmapstress.model.ModelLock;

/**
 * The model locks one worker holds, in the order it took them: what a trace step shows, and
 * whether the worker may be preempted (and so migrated) where it stands. Written and read only
 * by the worker holding the turn.
 */
final class HeldLocks {
    private final List<ModelLock> locks = new ArrayList<>();
    /** {@link #names()}, rebuilt when the locks change: every step reads it, few change it. */
    private String names = "";

    void add(ModelLock lock) {
        locks.add(lock);
        renamed();
    }

    /** Drops {@code lock} if held (a lock taken and released with no step between was never added). */
    void remove(ModelLock lock) {
        if (locks.remove(lock)) {
            renamed();
        }
    }

    private void renamed() {
        names = locks.stream().map(ModelLock::name).collect(Collectors.joining(","));
    }

    /**
     * Whether the kernel could preempt the task here: it holds no spinlock (spin_lock disables
     * preemption; a sleeping lock such as the vmap_purge_lock mutex does not).
     */
    boolean preemptible() {
        return locks.stream().allMatch(lock -> lock.lockClass().sleeps());
    }

    /** The comma-separated names a trace step carries ("" when none). */
    String names() {
        return names;
    }
}
