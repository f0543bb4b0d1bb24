package org.vmapstress.reports;

import java.util.Arrays;
import java.util.Locale;

/**
 * The verdicts every command, run record, report banner and JUnit XML file speaks, with their
 * exit codes. A violation wins over everything; an incomplete run is never clean.
 * <ul>
 * <li>{@link #CLEAN} (exit 0, green): every planned step finished its share and found nothing.
 * <li>{@link #VIOLATION} (exit 1, red): an invariant broke (for a zoo run: a bug was missed, or
 * something was found on the fixed model).
 * <li>{@link #INCOMPLETE} (exit 3, amber): some step did not finish or could not judge (over its
 * time, interrupted, a child crashed, a watchdog fired, stale corpus tokens), each with its
 * reason and what to do.
 * </ul>
 * Bad input (exit 2) is refused before any work, so no record ever carries it.
 */
public enum Verdict {
    CLEAN(0),
    VIOLATION(1),
    INCOMPLETE(3);

    public static final int EXIT_BAD_INPUT = 2;

    private final int exitCode;

    Verdict(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /** The word used in records, banners and console lines: clean, violation, incomplete. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The verdict {@link #word} names; an unknown word is an IllegalArgumentException. */
    public static Verdict of(String word) {
        return Arrays.stream(values()).filter(v -> v.word().equals(word)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown verdict '" + word + "'"));
    }

    /** The graver of the two: violation over incomplete over clean. */
    public Verdict and(Verdict other) {
        return rank() >= other.rank() ? this : other;
    }

    private int rank() {
        return switch (this) {
            case CLEAN -> 0;
            case INCOMPLETE -> 1;
            case VIOLATION -> 2;
        };
    }
}
