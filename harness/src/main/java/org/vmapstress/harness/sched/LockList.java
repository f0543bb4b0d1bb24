package org.vmapstress.harness.sched;

/** The model locks a worker holds, as the comma-separated names a trace step carries ("" when none). */
final class LockList {
    private LockList() {
    }

    static String with(String held, String lock) {
        return held.isEmpty() ? lock : held + "," + lock;
    }

    /** {@code held} without one occurrence of {@code lock}. */
    static String without(String held, String lock) {
        String padded = "," + held + ",";
        int at = padded.indexOf("," + lock + ",");
        if (at < 0) {
            return held;
        }
        String rest = padded.substring(0, at) + padded.substring(at + lock.length() + 1);
        return rest.length() <= 2 ? "" : rest.substring(1, rest.length() - 1);
    }
}
