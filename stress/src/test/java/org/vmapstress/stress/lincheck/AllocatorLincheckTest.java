package org.vmapstress.stress.lincheck;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.ThreadIdGen;
import org.jetbrains.lincheck.datastructures.Validate;
import org.vmapstress.model.BugSet;
import org.vmapstress.model.CpuContext;
import org.vmapstress.model.Mapping;
import org.vmapstress.model.ModelConfig;
import org.vmapstress.model.Violation;
import org.vmapstress.model.VmapAllocator;

/**
 * The allocator's operations checked for linearizability against {@link AllocatorSpec}, in
 * stress and model-checking modes, with the model's quiescent invariants as {@code @Validate}.
 * Each thread works on its own two slots (the thread id is an operation parameter), so every
 * race is inside the model; the CPU is a parameter too. Results are observable: whether a map
 * succeeded, which page a touch reached, whether an unmap left a PTE, whether Xen's pin was
 * accepted, whether vm_unmap_aliases left a stale TLB entry.
 *
 * <p>This is the abstract contract; one thin subclass per configuration chooses the bugs
 * ({@link FixedModelLincheckTest} must pass; the bug subclasses must fail).
 */
@Param(name = "tid", gen = ThreadIdGen.class)
@Param(name = "slot", gen = IntGen.class, conf = "0:1")
@Param(name = "cpu", gen = IntGen.class, conf = "0:3")
public abstract class AllocatorLincheckTest {
    /** Iterations (scenarios) and invocations per iteration of a clean run in each mode. */
    static final int STRESS_ITERATIONS = 30;
    static final int STRESS_INVOCATIONS_PER_ITERATION = 500;
    static final int MODEL_CHECKING_ITERATIONS = 10;
    static final int MODEL_CHECKING_INVOCATIONS_PER_ITERATION = 50;
    /**
     * Lincheck reports "The execution has hung" when one invocation takes longer than this. Its
     * default (30 s) is reached on a loaded machine by the first invocation alone, which
     * retransforms the classes it runs: a slow machine must never read as a hang.
     */
    static final long INVOCATION_TIMEOUT_MS = 180_000;

    private final VmapAllocator model;
    private final Map<Integer, Mapping> live = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> unmappedPage = new ConcurrentHashMap<>();

    protected AllocatorLincheckTest(BugSet bugs, ModelConfig config) {
        this.model = new VmapAllocator(config, bugs, org.vmapstress.model.ScheduleHook.NONE);
    }

    private static int key(int tid, int slot) {
        return tid * 2 + slot;
    }

    @Operation
    public boolean map(@Param(name = "tid") int tid, @Param(name = "slot") int slot, @Param(name = "cpu") int cpu) {
        if (live.containsKey(key(tid, slot))) {
            return false;
        }
        Integer reused = unmappedPage.remove(key(tid, slot));
        int pfn = reused != null ? reused : model.pages().allocPage();
        long va = model.vmMapRam(new CpuContext(cpuOf(cpu)), new int[] {pfn});
        live.put(key(tid, slot), new Mapping(va, new int[] {pfn}));
        return va >= 0;
    }

    @Operation
    public String touch(@Param(name = "tid") int tid, @Param(name = "slot") int slot, @Param(name = "cpu") int cpu) {
        Mapping m = live.get(key(tid, slot));
        if (m == null) {
            return "no-mapping";
        }
        int reached = model.touch(new CpuContext(cpuOf(cpu)), m.va());
        return reached == m.pfnAt(0) ? "own-page" : "reached pfn " + reached;
    }

    @Operation
    public String unmap(@Param(name = "tid") int tid, @Param(name = "slot") int slot, @Param(name = "cpu") int cpu) {
        Mapping m = live.remove(key(tid, slot));
        if (m == null) {
            return "no-mapping";
        }
        model.vmUnmapRam(new CpuContext(cpuOf(cpu)), m.va(), 1);
        Integer previous = unmappedPage.put(key(tid, slot), m.pfnAt(0));
        if (previous != null) {
            model.pages().freePage(previous);
        }
        return model.invariants().unmapCleared(m).map(v -> "stale PTE").orElse("cleared");
    }

    @Operation
    public String pinAsPageTable(@Param(name = "tid") int tid, @Param(name = "slot") int slot) {
        Integer pfn = unmappedPage.remove(key(tid, slot));
        if (pfn == null) {
            return "no-page";
        }
        boolean pinned = model.pages().pinAsPageTable(pfn).pinned();
        if (pinned) {
            model.pages().unpin(pfn);
        }
        model.pages().freePage(pfn);
        return pinned ? "pinned" : "refused";
    }

    @Operation
    public boolean unmapAliases(@Param(name = "cpu") int cpu) {
        long before = model.unmapTime();
        model.vmUnmapAliases(new CpuContext(cpuOf(cpu)));
        return model.invariants().aliasesFlushed(before).isEmpty();
    }

    @Operation
    public void purge() {
        model.purgeVmapAreaLazy();
    }

    /** The quiescent invariants, after every scenario. */
    @Validate
    public void quiescentInvariantsHold() {
        for (Violation violation : model.invariants().quiescent()) {
            throw new IllegalStateException(violation.toString());
        }
    }

    private int cpuOf(int cpu) {
        int[] possible = model.config().possibleCpus();
        return possible[cpu % possible.length];
    }

    /** A model small enough that building one per invocation is cheap: 8 blocks of VA space, 32 page frames. */
    protected static ModelConfig smallModel() {
        return ModelConfig.small().withVmallocPages(1024).withPageFrames(32);
    }

    /** Small enough to run in CI on two cores: 2 threads x 3 operations. */
    protected static StressOptions stress() {
        return new StressOptions().sequentialSpecification(AllocatorSpec.class).iterations(STRESS_ITERATIONS)
                .invocationsPerIteration(STRESS_INVOCATIONS_PER_ITERATION).threads(2).actorsPerThread(3).actorsBefore(2)
                .actorsAfter(1).invocationTimeout$lincheck(INVOCATION_TIMEOUT_MS);
    }

    /**
     * Asserts that Lincheck rejects this (bug-on) configuration, and returns what it printed.
     * Scenario minimisation is off: it re-runs a found failure many times, and the time to
     * detect is what these tests measure.
     */
    protected String assertLincheckFinds(org.jetbrains.lincheck.datastructures.Options<?, ?> options) {
        long start = System.nanoTime();
        org.jetbrains.lincheck.LincheckAssertionError error = org.junit.jupiter.api.Assertions.assertThrows(
                org.jetbrains.lincheck.LincheckAssertionError.class, () -> options.minimizeFailedScenario(false).check(getClass()));
        System.out.printf("lincheck: %s %s found it in %.1fs%n", getClass().getSimpleName(), options.getClass().getSimpleName(),
                (System.nanoTime() - start) / 1e9);
        return error.getMessage();
    }

    protected static ModelCheckingOptions modelChecking() {
        return new ModelCheckingOptions().sequentialSpecification(AllocatorSpec.class).iterations(MODEL_CHECKING_ITERATIONS)
                .invocationsPerIteration(MODEL_CHECKING_INVOCATIONS_PER_ITERATION).threads(2).actorsPerThread(3).actorsBefore(2)
                .actorsAfter(1).invocationTimeout$lincheck(INVOCATION_TIMEOUT_MS);
    }
}
