package org.vmapstress.harness.sched;

import java.io.ByteArrayOutputStream;
import java.util.Base64;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * A schedule given as its choices: the worker each pick chose, in the order the picks were
 * made. A schedule that has no seed (one that followed a flight recording, {@link RecordedOrder})
 * is replayed this way, step for step: the scheduler is deterministic given its picks. In a
 * token it is {@code sched=choices<packed>}: the worker ids deflated and in URL-safe Base64,
 * which has no ':' (the token's separator). A pick past the end, or of a worker that is not
 * runnable (a token older than the model), takes the first runnable worker; the replay's
 * fingerprint then says the token is stale.
 */
public final class Choices implements SchedulePolicy {
    /** The policy's name in a spec, before its packed choices: {@code choices:<packed>}. */
    public static final String PREFIX = "choices:";
    /** Picks a token may carry at most (the controlled step limit is 200,000): more is not a token this harness wrote. */
    static final int MAX_PICKS = 1 << 22;
    /** Worker ids are below ExecutionSpec.MAX_THREADS (64): one byte each. */
    private static final int MAX_WORKERS = 64;

    private final byte[] picks;
    private int next;

    public Choices(byte[] picks) {
        this.picks = picks.clone();
    }

    @Override
    public int pick(List<Integer> runnable, int current, int step) {
        int chosen = next < picks.length ? picks[next] : -1;
        next++;
        return runnable.contains(chosen) ? chosen : runnable.get(0);
    }

    @Override
    public String name() {
        return PREFIX + pack(picks);
    }

    /** Worker ids (each below 64), deflated, in URL-safe Base64 without padding. */
    public static String pack(byte[] picks) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        deflater.setInput(picks);
        deflater.finish();
        ByteArrayOutputStream packed = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        while (!deflater.finished()) {
            packed.write(chunk, 0, deflater.deflate(chunk));
        }
        deflater.end();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(packed.toByteArray());
    }

    /** The worker ids {@link #pack} packed; an {@link IllegalArgumentException} saying why when {@code packed} is not such a text. */
    public static byte[] unpack(String packed) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(Base64.getUrlDecoder().decode(packed));
            ByteArrayOutputStream picks = new ByteArrayOutputStream();
            byte[] chunk = new byte[4096];
            while (!inflater.finished()) {
                int n = inflater.inflate(chunk);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new IllegalArgumentException("the packed choices end early");
                }
                picks.write(chunk, 0, n);
                if (picks.size() > MAX_PICKS) {
                    throw new IllegalArgumentException("more than " + MAX_PICKS + " choices");
                }
            }
            byte[] ids = picks.toByteArray();
            for (byte id : ids) {
                if (id < 0 || id >= MAX_WORKERS) {
                    throw new IllegalArgumentException("a choice names worker " + id + " (workers are 0 to 63)");
                }
            }
            return ids;
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("the packed choices are not deflated data");
        } finally {
            inflater.end();
        }
    }
}
