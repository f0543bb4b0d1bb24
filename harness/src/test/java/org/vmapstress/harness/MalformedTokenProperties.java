package org.vmapstress.harness;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.harness.exec.ModelShape;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;

/**
 * The replay-token parser against generated malformed tokens: mutations of a real token that
 * each break it — a field missing, doubled or unknown, a number that is not one or is out of
 * range (at full width: 2^32 + n steps is not n), an unknown bug, scheduler or scenario, CPUs
 * out of order, a bad checkpoint, another version, the text cut short or padded with junk — are
 * each refused as {@link BadInput} (one line, exit 2 on the command line) within a second.
 */
class MalformedTokenProperties {
    private static final String TOKEN = new Token(new ExecutionSpec(BugSet.of(Bug.HEAD_INSERT), ModelShape.firstCpus(4), "random", 3,
            20, 0x5eed, "pct:3", 17), 340, 0x1a2b3c4dL, List.of(0x9f3e, 0x01ab)).format();
    private static final List<String> FIELDS = Arrays.asList(TOKEN.split(":"));

    /** One way to break a token. */
    enum Breakage { DROP, DOUBLE, UNKNOWN_KEY, NOT_A_NUMBER, OUT_OF_RANGE, BAD_NAME, BAD_CPUS, BAD_CHECKPOINTS, VERSION, CUT, JUNK }

    /** A broken token, and what was broken. */
    record Malformed(String what, String text) {
        @Override
        public String toString() {
            return what + ": " + text;
        }
    }

    @Property(tries = 10_000)
    void everyMalformedTokenIsRefusedInOneLineWithinASecond(@ForAll("malformed") Malformed malformed) {
        long start = System.nanoTime();
        BadInput refused = assertThrows(BadInput.class, () -> Token.parse(malformed.text()), () -> "accepted: " + malformed);
        assertTrue(System.nanoTime() - start < 1_000_000_000L, "took over a second");
        assertTrue(refused.getMessage().lines().count() == 1, refused.getMessage());
    }

    @Provide
    Arbitrary<Malformed> malformed() {
        return Combinators.combine(Arbitraries.of(Breakage.class), Arbitraries.integers().between(0, 1 << 20),
                Arbitraries.strings().ofMinLength(1).ofMaxLength(12).withChars("qxz!@#$%^&*()[]{}"),
                Arbitraries.longs().between(1, Long.MAX_VALUE / 4)).as(MalformedTokenProperties::broken);
    }

    private static Malformed broken(Breakage breakage, int pick, String junk, long big) {
        List<String> fields = new ArrayList<>(FIELDS);
        int at = 1 + pick % (fields.size() - 1);
        String key = fields.get(at).substring(0, fields.get(at).indexOf('='));
        switch (breakage) {
            case DROP -> fields.remove(at);
            case DOUBLE -> fields.add(1 + pick % fields.size(), fields.get(at));
            case UNKNOWN_KEY -> fields.add(1 + pick % fields.size(), "x" + junk.strip().replace(":", "") + "=1");
            case NOT_A_NUMBER -> set(fields, numeric(pick), "n" + junk);
            case OUT_OF_RANGE -> set(fields, rangeKey(pick), outOfRange(rangeKey(pick), big));
            case BAD_NAME -> set(fields, List.of("bugs", "sched", "scenario").get(pick % 3), "no-such-" + junk.strip());
            case BAD_CPUS -> set(fields, "cpus", List.of("3,1", "0,0", "65", "0,64", "", "-1", "1,,2").get(pick % 7));
            case BAD_CHECKPOINTS -> set(fields, "cp", List.of("1", "12345", "zzzz", "0001.", ".0001", "0001..0002").get(pick % 6));
            case VERSION -> fields.set(0, List.of("vms2", "vms", "VMS1", "vms0").get(pick % 4));
            case CUT -> {
                String text = String.join(":", fields);
                return new Malformed("cut", text.substring(0, text.indexOf(":cp=") - pick % (text.indexOf(":cp=") - 4)));
            }
            default -> fields.set(at, fields.get(at) + junk);
        }
        return new Malformed(breakage + " " + key, String.join(":", fields));
    }

    private static String numeric(int pick) {
        return List.of("va", "frames", "threads", "ops", "seed", "exec", "steps", "fp").get(pick % 8);
    }

    private static String rangeKey(int pick) {
        return List.of("threads", "ops", "steps", "exec", "va", "frames").get(pick % 6);
    }

    /** A number outside what run accepts: 0 or over 64 threads, over 10,000 ops, steps beyond an int, a negative exec, ... */
    private static String outOfRange(String key, long big) {
        return switch (key) {
            case "threads" -> big % 2 == 0 ? "0" : Long.toString(65 + big % 1_000_000);
            case "ops" -> big % 2 == 0 ? "0" : Long.toString(10_001 + big % 1_000_000);
            case "steps" -> Long.toString(big % 2 == 0 ? -1 - big % 1000 : (1L << 31) + big % (1L << 40));
            case "exec" -> Long.toString(-1 - big % 1_000_000);
            default -> big % 2 == 0 ? "0" : "-" + big;
        };
    }

    private static void set(List<String> fields, String key, String value) {
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).startsWith(key + "=")) {
                fields.set(i, key + "=" + value);
            }
        }
    }
}
