package org.vmapstress.harness;

import java.util.List;

/** Input the harness cannot use (a malformed token, an unknown bug, a bad option): exit code 2, one line. */
public final class BadInput extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadInput(String message) {
        super(message, null, false, false);
    }

    /** Every value given for {@code option} must be one of {@code known}; bad input naming the first that is not. */
    public static void requireKnown(String option, List<String> given, List<String> known) {
        for (String value : given) {
            if (!known.contains(value)) {
                throw new BadInput(option + ": unknown value '" + value + "' (known: " + String.join(", ", known) + ")");
            }
        }
    }
}
