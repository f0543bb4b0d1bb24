package org.vmapstress.harness.exec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.vmapstress.harness.workload.Op;
import org.vmapstress.model.AliasesReport;
import org.vmapstress.model.CpuContext;
import org.vmapstress.model.FreeActivity;
import org.vmapstress.model.InvariantId;
import org.vmapstress.model.Invariants;
import org.vmapstress.model.Mapping;
import org.vmapstress.model.ModelAssertion;
import org.vmapstress.model.ModelLock;
import org.vmapstress.model.RaisedViolation;
import org.vmapstress.model.Violation;
import org.vmapstress.model.VmapAllocator;

/**
 * One worker's side of an execution: runs its operations against the model as a kernel caller
 * would, and checks each operation's invariants right after it returns. Owns its live
 * mappings and the pages it unmapped (reused most recent first, like the page allocator's hot
 * pages). The first violation (a failed check or a model assertion) ends the worker; an
 * assertion whose task died holding model locks (taken before the {@code try} that would have
 * released them) names them, and the worker: no other task can take them again.
 */
final class WorkerRun {
    private final VmapAllocator model;
    private final Invariants checks;
    private final int worker;
    private final CpuContext cpu;
    private final List<Mapping> live = new ArrayList<>();
    private final Deque<Integer> unmappedPages = new ArrayDeque<>();
    private FreeActivity beforeLastAliases;
    private boolean lastWasAliases;
    /** Whether the last violation was raised inside its operation (a model assertion), not by the checks after it returned. */
    private boolean raisedInside;

    /** Worker {@code worker} (T0, T1, ... in traces) of an execution on {@code model}, running on {@code cpu}. */
    WorkerRun(VmapAllocator model, int worker, CpuContext cpu) {
        this.model = model;
        this.checks = model.invariants();
        this.worker = worker;
        this.cpu = cpu;
    }

    /** Runs one operation; returns the violation it revealed, if any, with when it was raised (a check's: when it returned). */
    Optional<RaisedViolation> run(Op op) {
        try {
            Optional<Violation> found = dispatch(op);
            lastWasAliases = op.kind() == Op.Kind.ALIASES;
            raisedInside = false;
            return found.map(RaisedViolation::now);
        } catch (ModelAssertion assertion) {
            raisedInside = true;
            return Optional.of(diedHolding(RaisedViolation.of(assertion), ModelLock.heldByCurrentThread()));
        }
    }

    /** Whether the violation {@link #run} last returned was raised inside the operation (a model assertion cut it short). */
    boolean raisedInside() {
        return raisedInside;
    }

    /** The assertion's violation, naming the locks its task died holding, if any. */
    private RaisedViolation diedHolding(RaisedViolation raised, List<ModelLock> left) {
        if (left.isEmpty()) {
            return raised;
        }
        Violation violation = raised.violation();
        String locks = left.stream().map(ModelLock::name).collect(Collectors.joining(", "));
        return new RaisedViolation(new Violation(violation.invariant(), violation.message() + "; T" + worker + " died holding "
                + locks + ", which no one can take again"), raised.at());
    }

    private Optional<Violation> dispatch(Op op) {
        switch (op.kind()) {
            case MAP: return map(op.arg());
            case TOUCH: return touch(op.arg());
            case UNMAP: return unmap(op.arg());
            case REUSE_DATA: return reuse(false);
            case REUSE_PAGETABLE: return reuse(true);
            case MIGRATE: return migrate(op.arg());
            case ALIASES: return aliases();
            case PURGE: model.purgeVmapAreaLazy(); return Optional.empty();
            default: throw new IllegalStateException("unknown operation " + op);
        }
    }

    private Optional<Violation> map(int pages) {
        int[] pfns = new int[pages];
        for (int i = 0; i < pages; i++) {
            pfns[i] = unmappedPages.isEmpty() ? model.pages().allocPage(cpu) : unmappedPages.pop();
            if (pfns[i] < 0) {
                giveBack(Arrays.copyOf(pfns, i));
                return Optional.empty();
            }
        }
        long va = model.vmMapRam(cpu, pfns);
        if (va < 0) {
            giveBack(pfns);
            return Optional.empty();
        }
        Mapping mapping = new Mapping(va, pfns);
        live.add(mapping);
        return checks.freshMapping(mapping);
    }

    private void giveBack(int[] pfns) {
        for (int i = pfns.length - 1; i >= 0; i--) {
            unmappedPages.push(pfns[i]);
        }
    }

    private Optional<Violation> touch(int pick) {
        if (live.isEmpty()) {
            return Optional.empty();
        }
        Mapping m = live.get(pick % live.size());
        int page = (pick / live.size()) % m.pages();
        int reached = model.touch(cpu, m.va() + page);
        if (reached == m.pfnAt(page)) {
            return Optional.empty();
        }
        return Optional.of(new Violation(InvariantId.NO_OVERLAP, "a touch of live mapping " + m + " at VA page "
                + (m.va() + page) + " on CPU " + cpu.cpu() + " reached " + (reached < 0 ? "nothing (a fault)" : "pfn " + reached)
                + ", not its pfn " + m.pfnAt(page)));
    }

    private Optional<Violation> unmap(int pick) {
        if (live.isEmpty()) {
            return Optional.empty();
        }
        Mapping m = live.remove(pick % live.size());
        model.vmUnmapRam(cpu, m.va(), m.pages());
        giveBack(m.pfns());
        return checks.unmapCleared(m);
    }

    private Optional<Violation> reuse(boolean asPageTable) {
        int pfn = unmappedPages.isEmpty() ? model.pages().allocPage(cpu) : unmappedPages.pop();
        if (pfn < 0) {
            return Optional.empty();
        }
        Optional<Violation> found = asPageTable
                ? checks.pinAccepted(pfn, model.pages().pinAsPageTable(pfn))
                : checks.noWritableAlias(pfn);
        if (found.isEmpty() && asPageTable) {
            model.pages().unpin(pfn);
        }
        if (found.isEmpty()) {
            model.pages().freePage(cpu, pfn);
        } else {
            unmappedPages.push(pfn);
        }
        return found;
    }

    private Optional<Violation> migrate(int pick) {
        int[] possible = model.config().possibleCpus();
        cpu.migrateTo(possible[pick % possible.length]);
        return Optional.empty();
    }

    private Optional<Violation> aliases() {
        long before = model.unmapTime();
        FreeActivity activity = model.freeActivity();
        AliasesReport report = model.vmUnmapAliases(cpu);
        Optional<Violation> found = checks.aliasesFlushed(before).or(() -> checks.usableKept(report));
        if (found.isEmpty() && lastWasAliases) {
            found = checks.flushOnce(beforeLastAliases, report, model.freeActivity());
        }
        beforeLastAliases = activity;
        return found;
    }

    List<Mapping> live() {
        return live;
    }

    /** Unmaps everything still live and frees every page this worker holds (at the end, single-threaded). */
    void tearDown() {
        for (Mapping m : live) {
            model.vmUnmapRam(cpu, m.va(), m.pages());
            giveBack(m.pfns());
        }
        live.clear();
        while (!unmappedPages.isEmpty()) {
            model.pages().freePage(cpu, unmappedPages.pop());
        }
    }
}
