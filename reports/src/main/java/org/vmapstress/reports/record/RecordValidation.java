package org.vmapstress.reports.record;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Checks a run record read from a file before anything grades or renders it, so a broken or
 * hostile record is one line of bad input (exit 2), never a NullPointerException, a template
 * error, a hang or a page of hundreds of megabytes.
 *
 * <p>Every field must be present except those an engine may have nothing for ({@link #NULLABLE});
 * no list or map holds a null; lists are bounded (a trace by the harness's step limit); every
 * number is finite and in range, and the numbers that size what the report draws are bounded
 * by what the harness can produce: thread and CPU ids below 64 (a thread id also below the
 * record's thread count; a block's CPU may be -1, not yet set), a block's bits at most 1024,
 * indexes and counts not negative. With
 * those bounds a page grows with its record's size, not with a number in it.
 */
public final class RecordValidation {
    /** The harness's step limit: no trace is longer. */
    static final int MAX_TRACE = 200_000;
    /** No other list in a record holds more. */
    static final int MAX_LIST = 100_000;
    /** Thread ids and CPU ids are below this (the harness's limits). */
    static final int MAX_IDS = 64;
    /** A vmap block has at most this many slots (VMAP_BBMAP_BITS_MAX). */
    static final int MAX_BITS = 1024;

    /** Components that may be null: what an engine has nothing for, and what the record derives itself. */
    private static final Set<String> NULLABLE = Set.of("RunRecord.verdict", "RunRecord.purpose", "RunRecord.expected",
            "RunRecord.exhaustive", "Exhaustive.preemptionBound", "Exhaustive.reduction",
            "Configuration.model", "Configuration.seed", "Failure.token", "Failure.replay", "Failure.shrunkToken",
            "Failure.state", "Failure.interleaving", "Failure.isolation", "Isolation.explainedToken", "Isolation.first", "Isolation.second",
            "Isolation.failingReplay", "Isolation.passingReplay", "Isolation.why",
            "Isolation.divergence", "Divergence.step", "Divergence.withBug", "Divergence.withoutBug", "Divergence.passingReplay",
            "Divergence.why", "TraceStep.locks", "Block.slots", "Block.ptes", "Unfinished.remedy",
            "Outcome.description", "JcstressTest.family", "JcstressTest.variant", "JcstressTest.verdict", "State.pages");

    private RecordValidation() {
    }

    /** The first thing wrong with {@code record}, as a phrase naming the field; empty when it is sound. */
    public static Optional<String> problem(RunRecord record) {
        return shape(record, "record").or(() -> ranges(record));
    }

    /** Presence and bounds of every field, walking the record's components. */
    private static Optional<String> shape(Object value, String path) {
        if (value instanceof Record rec) {
            for (RecordComponent component : rec.getClass().getRecordComponents()) {
                Object field = read(rec, component);
                String name = path + "." + component.getName();
                if (field == null) {
                    if (!NULLABLE.contains(rec.getClass().getSimpleName() + "." + component.getName())) {
                        return Optional.of(name + " is missing");
                    }
                    continue;
                }
                Optional<String> inner = shape(field, name);
                if (inner.isPresent()) {
                    return inner;
                }
            }
        } else if (value instanceof List<?> list) {
            int max = path.endsWith(".trace") ? MAX_TRACE : MAX_LIST;
            if (list.size() > max) {
                return Optional.of(path + " has " + list.size() + " entries, more than " + max);
            }
            for (int i = 0; i < list.size(); i++) {
                Optional<String> inner = list.get(i) == null ? Optional.of(path + "[" + i + "] is null") : shape(list.get(i), path + "[" + i + "]");
                if (inner.isPresent()) {
                    return inner;
                }
            }
        } else if (value instanceof Map<?, ?> map) {
            if (map.size() > MAX_LIST || map.containsKey(null) || map.containsValue(null)) {
                return Optional.of(path + " has a null or more than " + MAX_LIST + " entries");
            }
        } else if (value instanceof Double d && !Double.isFinite(d)) {
            return Optional.of(path + " is not a finite number");
        }
        return Optional.empty();
    }

    private static Object read(Record rec, RecordComponent component) {
        try {
            return component.getAccessor().invoke(rec);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + component, e);
        }
    }

    /** The numbers that size what the report draws or count things. */
    private static Optional<String> ranges(RunRecord record) {
        RunRecord.Configuration c = record.configuration();
        RunRecord.Counts n = record.counts();
        if (c.threads() < 0 || c.threads() > MAX_IDS || c.ops() < 0 || c.iterations() < 0 || c.budgetSeconds() < 0) {
            return Optional.of("record.configuration has a thread count, operation count, iterations or budget out of range");
        }
        if (n.executions() < 0 || n.schedulePoints() < 0 || n.seconds() < 0) {
            return Optional.of("record.counts has a negative count");
        }
        for (int f = 0; f < record.failures().size(); f++) {
            Optional<String> wrong = failure(record.failures().get(f), c.threads(), "record.failures[" + f + "]");
            if (wrong.isPresent()) {
                return wrong;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> failure(RunRecord.Failure failure, int threads, String path) {
        if (failure.execution() < -1 || failure.step() < -1 || failure.preemptions() < 0) {
            return Optional.of(path + " has a negative execution, step or preemption count");
        }
        Optional<String> wrongStep = steps(failure.trace(), threads, path + ".trace");
        if (wrongStep.isEmpty() && failure.isolation() != null) {
            wrongStep = steps(failure.isolation().trace(), threads, path + ".isolation.trace")
                    .or(() -> story(failure.isolation(), path + ".isolation.story"))
                    .or(() -> divergence(failure.isolation(), path + ".isolation.divergence"));
        }
        if (wrongStep.isPresent()) {
            return wrongStep;
        }
        if (failure.state() != null) {
            for (RunRecord.Block block : failure.state().blocks()) {
                if (block.bits() < 1 || block.bits() > MAX_BITS || block.cpu() < -1 || block.cpu() >= MAX_IDS || block.start() < 0) {
                    return Optional.of(path + ".state has a block at " + block.start() + " with " + block.bits()
                            + " bits on CPU " + block.cpu() + " (1 to " + MAX_BITS + " bits, CPU ids below " + MAX_IDS
                            + ", or -1 for a block published before its CPU was set)");
                }
            }
            for (RunRecord.TlbEntry entry : failure.state().tlbEntries()) {
                if (entry.cpu() < 0 || entry.cpu() >= MAX_IDS) {
                    return Optional.of(path + ".state has a TLB entry on CPU " + entry.cpu());
                }
            }
        }
        return Optional.empty();
    }

    /** Every sentence of a story names a step of the trace it tells (its link would lead nowhere else). */
    private static Optional<String> story(RunRecord.Isolation isolation, String path) {
        Set<Integer> steps = isolation.trace().stream().map(RunRecord.TraceStep::index).collect(Collectors.toSet());
        for (int i = 0; i < isolation.story().size(); i++) {
            RunRecord.Sentence sentence = isolation.story().get(i);
            if (sentence.text() == null || !steps.contains(sentence.step())) {
                return Optional.of(path + "[" + i + "] names step " + sentence.step() + ", which is not in the trace it tells");
            }
        }
        return Optional.empty();
    }

    /** The step where the bug's code ran, and those where it also ran, are steps of the trace (or a worker's start, -1). */
    private static Optional<String> divergence(RunRecord.Isolation isolation, String path) {
        RunRecord.Divergence divergence = isolation.divergence();
        if (divergence == null) {
            return Optional.empty();
        }
        Set<Integer> steps = isolation.trace().stream().map(RunRecord.TraceStep::index).collect(Collectors.toSet());
        if (divergence.found() && divergence.step().index() != -1 && !steps.contains(divergence.step().index())) {
            return Optional.of(path + ".step is step " + divergence.step().index() + ", which is not in the trace");
        }
        return divergence.alsoRanAt().stream().filter(i -> !steps.contains(i)).findFirst()
                .map(i -> path + ".alsoRanAt names step " + i + ", which is not in the trace");
    }

    private static Optional<String> steps(List<RunRecord.TraceStep> trace, int threads, String path) {
        int threadBound = threads == 0 ? MAX_IDS : threads;
        for (RunRecord.TraceStep step : trace) {
            if (step.index() < 0 || step.thread() < 0 || step.thread() >= threadBound || step.cpu() < 0 || step.cpu() >= MAX_IDS) {
                return Optional.of(path + " step " + step.index() + " has thread " + step.thread() + " and CPU " + step.cpu()
                        + " (thread ids below " + threadBound + ", CPU ids below " + MAX_IDS + ")");
            }
        }
        return Optional.empty();
    }
}
