package org.vmapstress.harness.sched;

import java.time.Duration;
import org.vmapstress.reports.Verdict;

/** How a controlled execution ended, and in a sentence why. */
public record ExecutionEnd(Kind kind, String detail) {
    /**
     * The ways an execution ends, each with its verdict: a broken invariant or a deadlock of
     * the model's locks is a violation; the step limit, the watchdog and an exception the model
     * should never throw stop the execution before it could be judged.
     */
    public enum Kind {
        COMPLETED(Verdict.CLEAN),
        DEADLOCK(Verdict.VIOLATION),
        STEP_LIMIT(Verdict.INCOMPLETE),
        WATCHDOG(Verdict.INCOMPLETE),
        CRASHED(Verdict.INCOMPLETE),
        VIOLATION(Verdict.VIOLATION);

        private final Verdict verdict;

        Kind(Verdict verdict) {
            this.verdict = verdict;
        }

        public Verdict verdict() {
            return verdict;
        }
    }

    public static ExecutionEnd completed() {
        return new ExecutionEnd(Kind.COMPLETED, "");
    }

    public static ExecutionEnd deadlock(String lockGraph) {
        return new ExecutionEnd(Kind.DEADLOCK, "every live worker waits for a lock: " + lockGraph);
    }

    static ExecutionEnd stepLimit(long limit, String threads) {
        return new ExecutionEnd(Kind.STEP_LIMIT, "no end after " + limit + " steps (a livelock or runaway): " + threads);
    }

    public static ExecutionEnd watchdog(Duration limit, String threads) {
        return new ExecutionEnd(Kind.WATCHDOG, "no end within " + limit.toMillis() + " ms: " + threads);
    }

    public static ExecutionEnd crashed(int thread, Throwable cause) {
        return new ExecutionEnd(Kind.CRASHED, "T" + thread + " threw " + cause);
    }

    /** The end checks or the tear-down after the workers threw. */
    public static ExecutionEnd crashedAtTheEnd(Throwable cause) {
        return new ExecutionEnd(Kind.CRASHED, "the end checks or the tear-down threw " + cause);
    }

    /** A worker found a broken invariant; {@code detail} is the violation. */
    public static ExecutionEnd violation(String violation) {
        return new ExecutionEnd(Kind.VIOLATION, violation);
    }
}
