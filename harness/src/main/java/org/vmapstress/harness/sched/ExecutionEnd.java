package org.vmapstress.harness.sched;

import java.time.Duration;
import org.vmapstress.model.InvariantId;
import org.vmapstress.reports.Verdict;

/** How a controlled execution ended, and in a sentence why. */
public record ExecutionEnd(Kind kind, String detail) {
    /**
     * The ways an execution ends, each with its verdict: a broken invariant, a deadlock of the
     * model's locks, or a worker waiting forever for a lock its holder never releases (a hang)
     * is a violation; the step limit, the watchdog and an exception the model should never throw
     * stop the execution before it could be judged.
     */
    public enum Kind {
        COMPLETED(Verdict.CLEAN),
        DEADLOCK(Verdict.VIOLATION),
        HANG(Verdict.VIOLATION),
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

    /** Workers that wait forever ({@link WaitsFor}): a deadlock when their holders close a cycle, else a hang. */
    public static ExecutionEnd stalled(WaitsFor.Stall stall) {
        return new ExecutionEnd(stall.invariant() == InvariantId.LOCK_ORDER ? Kind.DEADLOCK : Kind.HANG, stall.chain());
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
