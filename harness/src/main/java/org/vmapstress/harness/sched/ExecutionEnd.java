package org.vmapstress.harness.sched;

import java.time.Duration;

/** How a controlled execution ended, and in a sentence why. */
public record ExecutionEnd(Kind kind, String detail) {
    public enum Kind { COMPLETED, DEADLOCK, STEP_LIMIT, WATCHDOG, CRASHED, VIOLATION }

    static ExecutionEnd completed() {
        return new ExecutionEnd(Kind.COMPLETED, "");
    }

    static ExecutionEnd deadlock(String lockGraph) {
        return new ExecutionEnd(Kind.DEADLOCK, "every live worker waits for a lock: " + lockGraph);
    }

    static ExecutionEnd stepLimit(long limit, String threads) {
        return new ExecutionEnd(Kind.STEP_LIMIT, "no end after " + limit + " steps (a livelock or runaway): " + threads);
    }

    static ExecutionEnd watchdog(Duration limit, String threads) {
        return new ExecutionEnd(Kind.WATCHDOG, "no end within " + limit.toMillis() + " ms: " + threads);
    }

    static ExecutionEnd crashed(int thread, Throwable cause) {
        return new ExecutionEnd(Kind.CRASHED, "T" + thread + " threw " + cause);
    }

    /** A worker found a broken invariant; {@code detail} is the violation. */
    public static ExecutionEnd violation(String violation) {
        return new ExecutionEnd(Kind.VIOLATION, violation);
    }
}
