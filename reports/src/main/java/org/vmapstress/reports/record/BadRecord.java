package org.vmapstress.reports.record;

/** A record or folder the report cannot use (missing, not a record, broken JSON): exit code 2, one line. */
public final class BadRecord extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BadRecord(String message) {
        super(message, null, false, false);
    }
}
