package org.vmapstress.harness;

/** Input the harness cannot use (a malformed token, an unknown bug, a bad option): exit code 2, one line. */
public final class BadInput extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadInput(String message) {
        super(message, null, false, false);
    }
}
