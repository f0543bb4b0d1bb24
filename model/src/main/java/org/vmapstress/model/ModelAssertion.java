package org.vmapstress.model;

/**
 * Thrown where the kernel would BUG(), oops, or report through lockdep or UBSAN: the model
 * reached a state the kernel cannot survive. It carries the invariant that state breaks, so
 * the harness reports it like any other violation.
 */
public final class ModelAssertion extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Violation violation;

    public ModelAssertion(InvariantId invariant, String message) {
        super(invariant.id() + ": " + message, null, false, true);
        this.violation = new Violation(invariant, message);
    }

    public Violation violation() {
        return violation;
    }
}
