package org.vmapstress.model;

/** One broken invariant: which one, and a precise sentence about the state that breaks it. */
public record Violation(InvariantId invariant, String message) {
    @Override
    public String toString() {
        return invariant.id() + ": " + message;
    }
}
