package org.vmapstress.harness.exec;

import java.util.List;
import org.vmapstress.harness.sched.Step;

/**
 * A free-running execution's flight recording ({@link FlightRecorder}): the last events of each
 * worker merged by stamp, as trace steps a report draws; and the order in which the workers ran
 * their schedule steps from the execution's start (every step's stamp, from each worker's step
 * log), which the controlled re-search follows ({@link org.vmapstress.harness.sched.RecordedOrder}).
 *
 * @param steps the recorded events, numbered in stamp order
 * @param order the worker of every schedule step (an operation's start and end are not steps; a
 *     worker dying of a model assertion has its releases here too, after its fatal step), in stamp order
 * @param failingWorker the worker that raised the execution's violation (the one raised first), or -1 (none did: a check between operations, a deadlock)
 */
public record Recording(List<Step> steps, List<Integer> order, int failingWorker) {
    public static final Recording NONE = new Recording(List.of(), List.of(), -1);

    public Recording {
        steps = List.copyOf(steps);
        order = List.copyOf(order);
    }
}
