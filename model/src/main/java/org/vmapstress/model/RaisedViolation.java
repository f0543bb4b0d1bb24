package org.vmapstress.model;

/**
 * A violation and when it was raised ({@link System#nanoTime}): a {@link ModelAssertion} when it
 * was thrown, a check when it found the violation. Threads that run in parallel may each raise
 * one; the execution's is the one raised first, whichever was reported first. A violation that
 * another one caused (by the state a dying thread's half-done operation left, reached through a
 * lock it released on its way out) is raised after it.
 */
public record RaisedViolation(Violation violation, long at) {

    /** {@code violation}, found now. */
    public static RaisedViolation now(Violation violation) {
        return new RaisedViolation(violation, System.nanoTime());
    }

    /** The assertion's violation, raised when it was thrown. */
    public static RaisedViolation of(ModelAssertion assertion) {
        return new RaisedViolation(assertion.violation(), assertion.raisedAt());
    }

    /** Whether this was raised before {@code other} (nanoTime values compare by their difference). */
    public boolean raisedBefore(RaisedViolation other) {
        return at - other.at < 0;
    }

    /** The one raised first of {@code current} (null: none yet) and {@code other}; a tie keeps {@code current}. */
    public static RaisedViolation first(RaisedViolation current, RaisedViolation other) {
        return current == null || other.raisedBefore(current) ? other : current;
    }
}
