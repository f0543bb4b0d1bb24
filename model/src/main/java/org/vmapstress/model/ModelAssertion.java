package org.vmapstress.model;

/**
 * Thrown where the kernel would BUG(), oops, or report through lockdep or UBSAN: the model
 * reached a state the kernel cannot survive. It carries the invariant that state breaks, so
 * the harness reports it like any other violation.
 *
 * <p>Raising one marks the calling thread as dying ({@link LockDep}): the locks its
 * {@code finally} blocks release on the way out are released without a schedule point, as a
 * task killed by an oops gives no other task the turn. {@link #raisedAt} says when it was
 * raised, so a harness whose threads run in parallel can tell which violation came first.
 */
public final class ModelAssertion extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Violation violation;
    private final long raisedAt;

    public ModelAssertion(InvariantId invariant, String message) {
        super(invariant.id() + ": " + message, null, false, true);
        this.violation = new Violation(invariant, message);
        this.raisedAt = System.nanoTime();
        LockDep.dying();
    }

    public Violation violation() {
        return violation;
    }

    /** {@link System#nanoTime()} when it was raised. */
    public long raisedAt() {
        return raisedAt;
    }
}
