package org.vmapstress.harness;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.vmapstress.harness.exec.ExecutionResult;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.harness.exec.ModelShape;
import org.vmapstress.harness.sched.Choices;
import org.vmapstress.harness.workload.Workload;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;

/**
 * A replay token: one line that names an execution completely and what it did, e.g.
 * {@code vms1:bugs=lazy-pte-clear:cpus=0,1,2,3:va=8192:frames=1024:scenario=random:threads=3:ops=20:seed=0x5eed:sched=pct3:exec=117:steps=340:fp=1a2b3c4d:cp=9f3e.01ab...}.
 * Versioned ({@code vms1}); {@code steps} and {@code fp} (the trace's length and fingerprint)
 * let replay tell a stale token from a changed verdict, and {@code cp} (16 bits of the
 * fingerprint after steps 1, 2, 4, ...) says where a stale one first differs.
 */
public record Token(ExecutionSpec spec, int steps, long fingerprint, List<Integer> checkpoints) {
    public static final String VERSION = "vms1";
    /** How a token writes a {@link Choices} schedule's name ({@code choices:} without its ':'). */
    private static final String CHOICES = Choices.PREFIX.replace(":", "");
    private static final List<String> KEYS = List.of("bugs", "cpus", "va", "frames", "scenario", "threads", "ops", "seed", "sched", "exec",
            "steps", "fp", "cp");

    public static Token of(ExecutionResult result) {
        return new Token(result.spec(), result.steps(), sealed(result), result.checkpoints());
    }

    public String format() {
        return VERSION + ":" + fields(spec) + ":steps=" + steps + ":fp=" + Long.toHexString(fingerprint) + ":cp="
                + checkpoints.stream().map(c -> String.format("%04x", c)).collect(java.util.stream.Collectors.joining("."));
    }

    /** The fields that say what runs (bugs to exec), as the token writes them. */
    private static String fields(ExecutionSpec s) {
        return "bugs=" + s.bugs() + ":cpus=" + s.model().cpus().stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(","))
                + ":va=" + s.model().vaPages() + ":frames=" + s.model().frames() + ":scenario=" + s.scenario()
                + ":threads=" + s.threads() + ":ops=" + s.ops() + ":seed=0x" + Long.toHexString(s.seed())
                + ":sched=" + s.sched().replace(":", "") + ":exec=" + s.exec();
    }

    /**
     * A token's {@code fp}: the trace's fingerprint sealed with every field that says what runs,
     * so a token whose fields were altered (a CPU id, the frame count, a bug) never replays "as
     * recorded", even where the altered field leaves the schedule points as they were.
     */
    private static long sealed(ExecutionResult result) {
        return result.fingerprint() * 1_000_003L ^ fields(result.spec()).hashCode();
    }

    /** The line a failure prints. */
    public String replayLine() {
        return "REPLAY: ./vmapstress replay '" + format() + "'";
    }

    @Override
    public String toString() {
        return format();
    }

    public static Token parse(String text) {
        String trimmed = text.trim();
        String[] parts = trimmed.split(":");
        if (parts.length == 0 || !parts[0].equals(VERSION)) {
            throw new BadInput("not a replay token (it must start with '" + VERSION + ":'): " + abbreviate(trimmed));
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            String key = eq < 0 ? parts[i] : parts[i].substring(0, eq);
            if (eq < 0 || !KEYS.contains(key) || fields.put(key, parts[i].substring(eq + 1)) != null) {
                throw new BadInput("malformed replay token at field " + i + " ('" + abbreviate(parts[i]) + "')");
            }
        }
        List<String> missing = new ArrayList<>(KEYS);
        missing.removeAll(fields.keySet());
        if (!missing.isEmpty()) {
            throw new BadInput("malformed replay token: missing " + String.join(", ", missing));
        }
        ExecutionSpec spec = new ExecutionSpec(bugs(fields.get("bugs")),
                shape(cpus(fields.get("cpus")), number(fields, "va"), number(fields, "frames")), scenario(fields.get("scenario")),
                (int) bounded(fields, "threads", 1, ExecutionSpec.MAX_THREADS), (int) bounded(fields, "ops", 1, ExecutionSpec.MAX_OPS),
                number(fields, "seed"), tokenSched(fields.get("sched")), bounded(fields, "exec", 0, Long.MAX_VALUE));
        return new Token(spec, (int) bounded(fields, "steps", 0, Integer.MAX_VALUE), number(fields, "fp"),
                checkpoints(fields.get("cp")));
    }

    private static List<Integer> checkpoints(String text) {
        if (!text.matches("([0-9a-f]{4}(\\.[0-9a-f]{4})*)?")) {
            throw new BadInput("replay token field cp is not a list of 4-digit hex checkpoints: '" + abbreviate(text) + "'");
        }
        return text.isEmpty() ? List.of() : java.util.Arrays.stream(text.split("\\.")).map(c -> Integer.parseInt(c, 16)).toList();
    }

    /**
     * Null when {@code result} ran the same schedule points as this token recorded; else a
     * sentence saying where they first differ (to a power of two) and how many steps each has.
     */
    public String staleness(ExecutionResult result) {
        if (result.steps() == steps && sealed(result) == fingerprint) {
            return null;
        }
        List<Integer> now = result.checkpoints();
        int first = 0;
        while (first < Math.min(now.size(), checkpoints.size()) && now.get(first).equals(checkpoints.get(first))) {
            first++;
        }
        if (result.steps() == steps && now.equals(checkpoints)) {
            return "altered token: the schedule points are as recorded, but the fingerprint, which covers every field from bugs to"
                    + " exec, does not match: a field was changed after the token was made (or the harness changed how it seals)";
        }
        String where = first == 0 ? "from step 1" : "between step " + (1 << (first - 1)) + " and step " + (1 << first);
        return "stale token: the schedule points differ " + where + " (recorded " + steps + " steps, this build runs "
                + result.steps() + "): the model or harness changed since the token was made";
    }

    /** Bug names separated by commas, or {@code none}. */
    public static BugSet bugs(String names) {
        if (names.equals("none") || names.isEmpty()) {
            return BugSet.NONE;
        }
        List<Bug> bugs = new ArrayList<>();
        for (String name : names.split(",")) {
            bugs.add(Bug.byName(name).orElseThrow(() -> new BadInput("unknown bug '" + abbreviate(name)
                    + "' (see ./vmapstress bugs)")));
        }
        return BugSet.of(bugs);
    }

    /** A token's schedule: one {@link #sched} accepts, or {@code choices<packed>}, the picks of a schedule without a seed ({@link Choices}). */
    private static String tokenSched(String text) {
        if (!text.startsWith(CHOICES)) {
            return sched(text);
        }
        String packed = text.substring(CHOICES.length());
        try {
            Choices.unpack(packed);
        } catch (IllegalArgumentException e) {
            throw new BadInput("replay token field sched: its choices do not unpack (" + e.getMessage() + ")");
        }
        return Choices.PREFIX + packed;
    }

    /**
     * {@code random}, {@code pos}, {@code pct:D} or {@code pctD}, each optionally with
     * {@code +migrate}, or {@code free}; normalised ({@code pct:D}, {@code pct:D+migrate}).
     */
    public static String sched(String text) {
        if (text.equals(ExecutionSpec.FREE_RUNNING)) {
            return text;
        }
        String policy = ExecutionSpec.policyOf(text);
        String depth = policy.startsWith("pct:") ? policy.substring(4) : policy.startsWith("pct") ? policy.substring(3) : null;
        if (policy.equals("random") || policy.equals("pos") || depth != null && depth.matches("[1-9][0-9]?")) {
            return (depth != null ? "pct:" + depth : policy) + text.substring(policy.length());
        }
        throw new BadInput("unknown schedule policy '" + abbreviate(text) + "' (use random, pct:D with D from 1 to 99, or pos,"
                + " each optionally with " + ExecutionSpec.MIGRATE + "; or free)");
    }

    /**
     * Possible CPUs as a count ({@code 4}: CPUs 0 to 3) or an ascending list with gaps allowed
     * ({@code 0,2,3}), from 1 to 64 CPUs with ids below 64.
     */
    /** A model shape the model accepts, or bad input saying why not. */
    public static ModelShape shape(List<Integer> cpus, long vaPages, long frames) {
        if (frames < 1 || frames > 1 << 20) {
            throw new BadInput("page frames " + frames + " out of range (1 to 1048576)");
        }
        ModelShape shape = new ModelShape(cpus, vaPages, (int) frames);
        try {
            shape.config();
        } catch (IllegalArgumentException e) {
            throw new BadInput("model shape rejected: " + e.getMessage());
        }
        return shape;
    }

    public static List<Integer> cpus(String text) {
        try {
            if (!text.contains(",")) {
                int count = Integer.parseInt(text);
                if (count >= 1 && count <= 64) {
                    return ModelShape.firstCpus(count).cpus();
                }
            } else {
                List<Integer> ids = java.util.Arrays.stream(text.split(",")).map(Integer::valueOf).toList();
                boolean ascending = true;
                for (int i = 0; i < ids.size(); i++) {
                    ascending &= ids.get(i) >= 0 && ids.get(i) < 64 && (i == 0 || ids.get(i) > ids.get(i - 1));
                }
                if (ascending) {
                    return ids;
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new BadInput("CPUs '" + abbreviate(text) + "' must be a count from 1 to 64 or ascending ids below 64, e.g. 0,2,3");
    }

    public static String scenario(String name) {
        if (name.equals(ExecutionSpec.RANDOM_SCENARIO) || Workload.SCENARIOS.containsKey(name)) {
            return name;
        }
        throw new BadInput("unknown scenario '" + abbreviate(name) + "' (use random or one of "
                + String.join(", ", new java.util.TreeSet<>(Workload.SCENARIOS.keySet())) + ")");
    }

    /** A field that must lie in {@code [min, max]}: what {@code run} accepts, so a token never asks for more. */
    private static long bounded(Map<String, String> fields, String key, long min, long max) {
        long value = number(fields, key);
        if (value < min || value > max) {
            throw new BadInput("replay token field " + key + "=" + value + " is out of range (" + min + " to " + max + ")");
        }
        return value;
    }

    private static long number(Map<String, String> fields, String key) {
        String text = fields.get(key);
        try {
            return key.equals("fp") ? Long.parseUnsignedLong(text, 16)
                    : text.startsWith("0x") ? Long.parseUnsignedLong(text.substring(2), 16) : Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new BadInput("replay token field " + key + " is not a number: '" + abbreviate(text) + "'");
        }
    }

    /** {@code text}, cut to 60 characters for a one-line error. */
    public static String abbreviate(String text) {
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }
}
