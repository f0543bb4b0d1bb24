package org.vmapstress.harness.sched;

/**
 * Unwinds a worker thread out of the model when its execution was stopped (a violation in
 * another worker, a deadlock, the step limit, the watchdog). An Error, so that no handler for
 * model or caller exceptions swallows it.
 */
public final class ExecutionAborted extends Error {
    private static final long serialVersionUID = 1L;

    public ExecutionAborted() {
        super("execution aborted", null, false, false);
    }
}
