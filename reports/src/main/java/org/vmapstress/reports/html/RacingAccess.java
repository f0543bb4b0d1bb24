package org.vmapstress.reports.html;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One access a DATA-RACE names, read from the violation's message as the race detector writes it
 * ("the read of VmapBlock.cpu of vb@0 (…) by T1 at step 40 in aliases, holding [vmap_purge_lock],
 * races with the write by T0 at step 12 in map 1p, holding no lock: …"): a happens-before race
 * names two, the second first; a lockset report names one. A lock's own name may hold brackets
 * ({@code vbq[1].lock}): the list ends at the bracket before a comma or colon. Accesses named by thread name (free-running,
 * no controlled step) give none.
 */
public record RacingAccess(String kind, int thread, int step, String operation, String locks) {
    public static final String DATA_RACE = "DATA-RACE";
    private static final Pattern SITE = Pattern.compile(
            "\\b(read|write)\\b(?: of [^(]*\\([^)]*\\))? by T(\\d+) at step (-?\\d+) in ([^,]+), holding (no lock|\\[.*?\\](?=[,:]|$))");

    /** The accesses a failure of {@code invariant} with {@code message} names, in the message's order; none unless a DATA-RACE. */
    public static List<RacingAccess> named(String invariant, String message) {
        List<RacingAccess> accesses = new ArrayList<>();
        if (!DATA_RACE.equals(invariant) || message == null) {
            return accesses;
        }
        Matcher m = SITE.matcher(message);
        while (m.find()) {
            accesses.add(new RacingAccess(m.group(1), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)), m.group(4), m.group(5)));
        }
        return accesses;
    }

    /** The access in words, e.g. "the write by T0 at step 12 (map 1p), holding no lock". */
    public String describe() {
        return "the " + kind + " by T" + thread + " at step " + step + " (" + operation + "), holding " + locks;
    }
}
