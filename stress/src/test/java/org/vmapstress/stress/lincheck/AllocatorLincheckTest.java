package org.vmapstress.stress.lincheck;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import static org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt.forClasses;

import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Options;
import org.jetbrains.lincheck.datastructures.Param;
import org.jetbrains.lincheck.datastructures.StressOptions;
import org.jetbrains.lincheck.datastructures.Validate;
import org.vmapstress.model.AliasesReport;
import org.vmapstress.model.BugSet;
import org.vmapstress.model.CpuContext;
import org.vmapstress.model.FreeActivity;
import org.vmapstress.model.InvariantId;
import org.vmapstress.model.Invariants;
import org.vmapstress.model.Mapping;
import org.vmapstress.model.ModelAssertion;
import org.vmapstress.model.ModelConfig;
import org.vmapstress.model.PageFramePool;
import org.vmapstress.model.RaisedViolation;
import org.vmapstress.model.Violation;
import org.vmapstress.model.VmapAllocator;

/**
 * The allocator's kernel API checked for linearizability against {@link AllocatorSpec}, whose
 * state is shared by every thread, in stress and model-checking modes.
 *
 * <p>A caller holds {@link #SLOTS} handles, shared by all threads, each empty or holding one
 * live mapping of the slot's own pages: any thread may map a slot, touch it, unmap it, or reuse
 * its first page as a page table (Xen's pin), which must be refused exactly while the slot's
 * mapping, made by whichever thread, is live. A slot's operations are serialised by its lock, as
 * a kernel caller serialises the use of its own handle; the model itself is shared without any
 * lock of the test's.
 *
 * <p>Results are what the caller observes ({@link AllocatorSpec}). Where the model breaks a
 * promise the specification takes for granted, the result names the invariant ("UNMAP-CLEARS:
 * ..."), so that Lincheck's report says why (no specification result contains an invariant id),
 * and the first such violation of an invocation is what {@code @Validate} reports: after a
 * kernel BUG, later results are consequences, not findings. The quiescent invariants, two
 * back-to-back {@code vm_unmap_aliases} (FLUSH-ONCE, USABLE-KEPT) and the tear-down (unmap
 * everything, purge, no block left) are checked after every invocation too.
 *
 * <p>The model is small (16-page blocks, two CPUs, 16 blocks of VA) so that a few operations
 * fill, fragment and purge blocks; one thin subclass per configuration chooses the bugs.
 */
@Param(name = "slot", gen = IntGen.class, conf = "0:2")
@Param(name = "size", gen = IntGen.class, conf = "0:3")
@Param(name = "cpu", gen = IntGen.class, conf = "0:1")
public abstract class AllocatorLincheckTest {
    /** A caller's handles, shared by all threads. */
    static final int SLOTS = 3;
    /**
     * The sizes a map asks for, by the {@code size} parameter: one page, a quarter and a half of
     * a 16-page block (VMAP_MAX_ALLOC, so two fill a block), and a large mapping with its own area.
     */
    static final int[] MAP_SIZES = {1, 4, 8, 16};
    private static final int MAX_MAP_SIZE = MAP_SIZES[MAP_SIZES.length - 1];

    static final String MAPPED = "mapped";
    static final String BUSY = "busy";
    static final String NOT_MAPPED = "not mapped";
    static final String OWN_PAGE = "own page";
    static final String UNMAPPED = "unmapped";
    static final String PINNED = "pinned";
    static final String REFUSED_WHILE_MAPPED = "refused while mapped";
    static final String PURGED = "purged";

    /** The threads of the parallel part (the part before it and the one after run on the first). */
    static final int THREADS = 2;
    /** Scenarios (iterations) and invocations per scenario of a clean run in each mode. */
    static final int STRESS_ITERATIONS = 500;
    static final int STRESS_INVOCATIONS_PER_ITERATION = 40;
    static final int MODEL_CHECKING_ITERATIONS = 30;
    static final int MODEL_CHECKING_INVOCATIONS_PER_ITERATION = 50;
    /**
     * Lincheck reports "The execution has hung" when one invocation takes longer than this. Its
     * default (30 s) is reached on a loaded machine by the first invocation alone, which
     * retransforms the classes it runs: a slow machine must never read as a hang.
     */
    static final long INVOCATION_TIMEOUT_MS = 180_000;
    /**
     * Lincheck's model checker takes a loop that spins more than this many times for a hang; the
     * purge's walk over a block's pages legitimately loops up to a block's size per block.
     */
    static final int MODEL_CHECKING_LOOP_BOUND = 2048;

    private final LincheckStepLog log = new LincheckStepLog();
    private final VmapAllocator model;
    private final int[][] slotPages = new int[SLOTS][];
    private final ReentrantLock[] slotLocks = new ReentrantLock[SLOTS];
    private final Mapping[] live = new Mapping[SLOTS];
    private final AtomicReference<RaisedViolation> firstBroken = new AtomicReference<>();

    protected AllocatorLincheckTest(BugSet bugs, ModelConfig config) {
        this.model = new VmapAllocator(config, bugs, log);
        for (int slot = 0; slot < SLOTS; slot++) {
            slotPages[slot] = new int[MAX_MAP_SIZE];
            Arrays.setAll(slotPages[slot], i -> model.pages().allocPage(context(0)));
            slotLocks[slot] = new ReentrantLock();
        }
    }

    /** vm_map_ram of the slot's first pages into an empty slot, then a write through the mapping's first page. */
    @Operation
    public String map(@Param(name = "slot") int slot, @Param(name = "size") int size, @Param(name = "cpu") int cpu) {
        begin("map(" + slot + ", " + size + ", " + cpu + ")", cpu);
        return underSlotLock(slot, () -> {
            if (live[slot] != null) {
                return BUSY;
            }
            int[] pfns = Arrays.copyOf(slotPages[slot], MAP_SIZES[size]);
            long va = model.vmMapRam(context(cpu), pfns);
            if (va < 0) {
                return broken(new Violation(InvariantId.BOUNDED_BLOCKS, "no space for " + pfns.length
                        + " pages in a vmalloc space that live mappings cannot fill"));
            }
            live[slot] = new Mapping(va, pfns);
            return reachedOwnPage(live[slot], cpu).orElse(MAPPED);
        });
    }

    /** A write through the first page of the slot's live mapping. */
    @Operation
    public String touch(@Param(name = "slot") int slot, @Param(name = "cpu") int cpu) {
        begin("touch(" + slot + ", " + cpu + ")", cpu);
        return underSlotLock(slot, () -> live[slot] == null ? NOT_MAPPED : reachedOwnPage(live[slot], cpu).orElse(OWN_PAGE));
    }

    /** vm_unmap_ram of the slot's mapping: afterwards no PTE maps its pages. */
    @Operation
    public String unmap(@Param(name = "slot") int slot, @Param(name = "cpu") int cpu) {
        begin("unmap(" + slot + ", " + cpu + ")", cpu);
        return underSlotLock(slot, () -> {
            Mapping m = live[slot];
            if (m == null) {
                return NOT_MAPPED;
            }
            live[slot] = null;
            model.vmUnmapRam(context(cpu), m.va(), m.pages());
            return model.invariants().unmapCleared(m).map(this::broken).orElse(UNMAPPED);
        });
    }

    /**
     * Xen's reuse of the slot's first page as a page table: {@code vm_unmap_aliases}, then the
     * pin, refused while a writable PTE maps the page. A refusal with the slot empty is a PTE the
     * model left behind; a TLB entry of an unmapped page left after the flush, or a usable block
     * thrown away by it, is named too.
     */
    @Operation
    public String pin(@Param(name = "slot") int slot, @Param(name = "cpu") int cpu) {
        begin("pin(" + slot + ", " + cpu + ")", cpu);
        return underSlotLock(slot, () -> {
            long unmapTimeBefore = model.unmapTime();
            AliasesReport report = model.vmUnmapAliases(context(cpu));
            Optional<Violation> flushBroken = model.invariants().aliasesFlushed(unmapTimeBefore)
                    .or(() -> model.invariants().usableKept(report));
            if (flushBroken.isPresent()) {
                return broken(flushBroken.get());
            }
            int pfn = slotPages[slot][0];
            PageFramePool.PinResult pin = model.pages().pinAsPageTable(pfn);
            if (pin.pinned()) {
                model.pages().unpin(pfn);
                return PINNED;
            }
            return live[slot] != null ? REFUSED_WHILE_MAPPED : broken(model.invariants().pinAccepted(pfn, pin).orElseThrow());
        });
    }

    /** purge_vmap_area_lazy: the synchronous purge. */
    @Operation
    public String purge() {
        begin("purge()", 0);
        return judgedResult(() -> {
            model.purgeVmapAreaLazy();
            return PURGED;
        });
    }

    /**
     * After every invocation: the quiescent invariants; then everything still live is unmapped
     * and two back-to-back vm_unmap_aliases run (the first purges no usable block, the second
     * flushes nothing); then the synchronous purge, after which no block may be left.
     */
    @Validate
    public void invariantsHoldAtTheEnd() {
        begin("invariantsHoldAtTheEnd()", 0);
        if (firstBroken.get() != null) {
            log.failed();
            throw new IllegalStateException(firstBroken.get().violation().toString());
        }
        List<Supplier<Optional<Violation>>> checks = List.of(
                () -> model.invariants().quiescent().stream().findFirst(),
                this::unmapAllThenAliasesTwice,
                this::purgeLeavesNoBlock);
        for (Supplier<Optional<Violation>> check : checks) {
            Optional<Violation> found = judged(check);
            if (found.isPresent()) {
                log.failed();
                throw new IllegalStateException(found.get().toString());
            }
        }
    }

    private Optional<Violation> unmapAllThenAliasesTwice() {
        CpuContext cpu = context(0);
        for (int slot = 0; slot < SLOTS; slot++) {
            if (live[slot] != null) {
                model.vmUnmapRam(cpu, live[slot].va(), live[slot].pages());
                live[slot] = null;
            }
        }
        FreeActivity before = model.freeActivity();
        AliasesReport first = model.vmUnmapAliases(cpu);
        AliasesReport second = model.vmUnmapAliases(cpu);
        return model.invariants().usableKept(first).or(() -> model.invariants().flushOnce(before, second, model.freeActivity()));
    }

    private Optional<Violation> purgeLeavesNoBlock() {
        model.purgeVmapAreaLazy();
        return model.invariants().noBlocksLeft().or(() -> model.invariants().quiescent().stream().findFirst());
    }

    /** What a check found; a model assertion raised inside it (the kernel's BUG) too, raised where its thread stopped. */
    private Optional<Violation> judged(Supplier<Optional<Violation>> check) {
        try {
            return check.get();
        } catch (ModelAssertion assertion) {
            log.raised(RaisedViolation.of(assertion));
            return Optional.of(assertion.violation());
        }
    }

    /** A violation found now, as {@link #broken(RaisedViolation)}. */
    private String broken(Violation violation) {
        return broken(RaisedViolation.now(violation));
    }

    /**
     * The violation's text as an operation's result; the one of the invocation raised first is
     * kept for {@code @Validate} (a model assertion's, not what its half-done operation let the
     * other thread see after it).
     */
    private String broken(RaisedViolation raised) {
        firstBroken.accumulateAndGet(raised, RaisedViolation::first);
        log.raised(raised);
        return raised.violation().toString();
    }

    /** The calling thread's operation from here on, as Lincheck prints it, for the step log. */
    private void begin(String operation, int cpu) {
        log.begin(operation, context(cpu).cpu());
    }

    private Optional<String> reachedOwnPage(Mapping m, int cpu) {
        int reached = model.touch(context(cpu), m.va());
        return reached == m.pfnAt(0) ? Optional.empty() : Optional.of(broken(new Violation(InvariantId.NO_OVERLAP,
                "a write through " + m + " reached " + (reached < 0 ? "nothing" : "pfn " + reached))));
    }

    /** Runs {@code operation} holding the slot's lock, as {@link #judgedResult}. */
    private String underSlotLock(int slot, Supplier<String> operation) {
        slotLocks[slot].lock();
        try {
            return judgedResult(operation);
        } finally {
            slotLocks[slot].unlock();
        }
    }

    /** The operation's result; a model assertion (the kernel's BUG or lockdep splat) becomes a result naming its invariant. */
    private String judgedResult(Supplier<String> operation) {
        try {
            return operation.get();
        } catch (ModelAssertion assertion) {
            return broken(RaisedViolation.of(assertion));
        }
    }

    private CpuContext context(int cpu) {
        int[] possible = model.config().possibleCpus();
        return new CpuContext(possible[cpu % possible.length]);
    }

    /**
     * Lincheck's model: 16-page blocks (BITS_PER_LONG 8), two CPUs, 16 blocks of VA space
     * (never exhausted by {@link #SLOTS} live mappings: a failed map is a leak), the slots' pages.
     */
    protected static ModelConfig smallModel() {
        return new ModelConfig(256, 2, new int[] {0, 1}, SLOTS * MAX_MAP_SIZE)
                .withBitsPerLong(ModelConfig.MIN_BITS_PER_LONG);
    }

    /** Small enough to run in CI on two cores: 2 threads x 3 operations, 4 before and 2 after. */
    protected static StressOptions stress() {
        return shaped(new StressOptions()).iterations(STRESS_ITERATIONS)
                .invocationsPerIteration(STRESS_INVOCATIONS_PER_ITERATION);
    }

    /**
     * Model checking explores the interleavings of a shorter prefix and suffix (2 operations
     * before, 1 after): each invocation replays them under Lincheck's analysis. The model's
     * checker classes are left out of the analysis ({@link Invariants#CHECKER_CLASSES}).
     */
    protected static ModelCheckingOptions modelChecking() {
        return shaped(new ModelCheckingOptions()).actorsBefore(2).actorsAfter(1).iterations(MODEL_CHECKING_ITERATIONS)
                .invocationsPerIteration(MODEL_CHECKING_INVOCATIONS_PER_ITERATION).loopBound(MODEL_CHECKING_LOOP_BOUND)
                .addGuarantee(forClasses(Invariants.CHECKER_CLASSES.toArray(String[]::new)).allMethods().ignore())
                .addGuarantee(forClasses(LincheckStepLog.class.getName()).allMethods().ignore());
    }

    private static <O extends Options<O, ?>> O shaped(O options) {
        return options.sequentialSpecification(AllocatorSpec.class).threads(THREADS).actorsPerThread(3).actorsBefore(4)
                .actorsAfter(2).invocationTimeout$lincheck(INVOCATION_TIMEOUT_MS);
    }
}
