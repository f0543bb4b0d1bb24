package org.vmapstress.reports;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.vmapstress.reports.record.BadRecord;
import org.vmapstress.reports.record.RunRecords;

/**
 * The run-record reader against generated malformed records: mutations of real records (a
 * seed-bug failure with its trace and state, a clean run) that each break the record — a
 * required field missing or null, a field of the wrong type, a null inside a list, an id or
 * count out of range, the text cut short, another format — are each refused as a
 * {@link BadRecord} (one line, exit 2 on the command line) within a second, never read, never
 * a NullPointerException, never a hang.
 */
class MalformedRecordProperties {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<JsonNode> BASES = List.of(fixture("seed-bug"), fixture("clean-pct3"));
    /** Fields an engine may leave out (RecordValidation's nullable ones), by name. */
    private static final Set<String> OPTIONAL = Set.of("verdict", "purpose", "expected", "model", "seed", "token", "replay",
            "shrunkToken", "state", "interleaving", "locks", "slots", "ptes", "remedy", "description", "family", "variant",
            "pages", "trace", "jcstress", "incomplete", "failures");

    private static JsonNode fixture(String name) {
        try {
            return JSON.readTree(Path.of("src/test/resources/records", name, "run.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** One way to break a record, applied at a position chosen by {@code pick}. */
    enum Breakage { DROP_REQUIRED, NULL_REQUIRED, WRONG_TYPE, NULL_IN_LIST, OUT_OF_RANGE, CUT_SHORT, OTHER_FORMAT }

    @Property(tries = 10_000)
    void everyMalformedRecordIsRefusedInOneLineWithinASecond(@ForAll("malformed") Malformed malformed) throws IOException {
        String text = malformed.text();
        Path file = Files.createTempFile("malformed", ".json");
        try {
            Files.writeString(file, text);
            long start = System.nanoTime();
            BadRecord refused = assertThrows(BadRecord.class, () -> RunRecords.read(file), () -> "read as sound: " + malformed.what());
            assertTrue(System.nanoTime() - start < 1_000_000_000L, "took over a second");
            assertTrue(refused.getMessage().lines().count() == 1, refused.getMessage());
        } finally {
            Files.delete(file);
        }
    }

    /** A broken record's text, and what was broken (for the report of a case read as sound). */
    record Malformed(String what, String text) {
        @Override
        public String toString() {
            return what;
        }
    }

    @Provide
    Arbitrary<Malformed> malformed() {
        return Combinators.combine(Arbitraries.of(BASES), Arbitraries.of(Breakage.class), Arbitraries.integers().between(0, 1 << 20),
                Arbitraries.longs()).as(MalformedRecordProperties::broken);
    }

    private static Malformed broken(JsonNode base, Breakage breakage, int pick, long number) {
        JsonNode copy = base.deepCopy();
        String text = copy.toString();
        switch (breakage) {
            case CUT_SHORT:
                return new Malformed("cut at " + (1 + pick % (text.length() - 2)), text.substring(0, 1 + pick % (text.length() - 2)));
            case OTHER_FORMAT:
                ((ObjectNode) copy).put("format", pick % 2 == 0 ? "vmapstress-run/" + (pick % 100 + 4) : "x" + pick);
                return new Malformed("format " + copy.get("format"), copy.toString());
            case OUT_OF_RANGE:
                return new Malformed("out of range: " + outOfRange(copy, pick, number), copy.toString());
            default:
                List<ObjectNode> holders = new ArrayList<>();
                List<String> names = new ArrayList<>();
                List<ArrayNode> lists = new ArrayList<>();
                collect(copy, breakage, holders, names, lists);
                if (breakage == Breakage.NULL_IN_LIST && !lists.isEmpty()) {
                    lists.get(pick % lists.size()).insertNull(pick % (lists.get(pick % lists.size()).size() + 1));
                    return new Malformed("null in a list", copy.toString());
                }
                if (breakage == Breakage.NULL_IN_LIST) {
                    return new Malformed("last brace cut", text.substring(0, text.length() - 1));
                }
                int i = pick % holders.size();
                ObjectNode holder = holders.get(i);
                switch (breakage) {
                    case DROP_REQUIRED -> holder.remove(names.get(i));
                    case NULL_REQUIRED -> holder.putNull(names.get(i));
                    default -> holder.set(names.get(i), holder.get(names.get(i)).isTextual()
                            ? JSON.createObjectNode().put("not", "a string") : JSON.getNodeFactory().textNode("not " + pick));
                }
                return new Malformed(breakage + " " + names.get(i), copy.toString());
        }
    }

    /** Required fields whose absence cannot default (objects, lists, strings), and the lists of objects. */
    private static void collect(JsonNode node, Breakage breakage, List<ObjectNode> holders, List<String> names, List<ArrayNode> lists) {
        if (node instanceof ObjectNode object) {
            object.fieldNames().forEachRemaining(name -> {
                JsonNode value = object.get(name);
                boolean defaultsWhenMissing = value.isNumber() || value.isBoolean() || value.isNull();
                boolean typed = breakage == Breakage.WRONG_TYPE && (value.isObject() || value.isArray() || value.isTextual())
                        && !name.equals("pages");
                if (typed || !OPTIONAL.contains(name) && !defaultsWhenMissing && !name.equals("format")) {
                    holders.add(object);
                    names.add(name);
                }
            });
            object.fieldNames().forEachRemaining(name -> {
                if (!name.equals("pages")) {
                    collect(object.get(name), breakage, holders, names, lists);
                }
            });
        } else if (node instanceof ArrayNode array) {
            if (!array.isEmpty() && array.get(0).isObject()) {
                lists.add(array);
            }
            array.elements().forEachRemaining(child -> collect(child, breakage, holders, names, lists));
        }
    }

    /** A number the harness never writes: a thread or CPU id of 64 and up, a negative count, a block of 0 or over 1024 bits. */
    private static String outOfRange(JsonNode record, int pick, long number) {
        long big = 65 + Math.abs(number % 1_000_000_000L);
        long negative = -1 - Math.abs(number % 1_000_000_000L);
        JsonNode failure = record.path("failures").path(0);
        List<Runnable> ways = new ArrayList<>();
        ways.add(() -> ((ObjectNode) record.get("counts")).put("executions", negative));
        ways.add(() -> ((ObjectNode) record.get("counts")).put("seconds", negative));
        ways.add(() -> ((ObjectNode) record.get("configuration")).put("threads", pick % 2 == 0 ? big : negative));
        if (failure.path("trace").size() > 0) {
            ObjectNode step = (ObjectNode) failure.path("trace").get(pick % failure.path("trace").size());
            ways.add(() -> step.put("thread", pick % 2 == 0 ? big : negative));
            ways.add(() -> step.put("cpu", pick % 2 == 0 ? big : negative));
        }
        if (failure.path("state").path("blocks").size() > 0) {
            ObjectNode block = (ObjectNode) failure.path("state").path("blocks").get(0);
            ways.add(() -> block.put("bits", pick % 2 == 0 ? 1025 + Math.abs(number % 1_000_000) : 0));
        }
        ways.get(pick % ways.size()).run();
        return "way " + pick % ways.size() + " of " + ways.size();
    }
}
