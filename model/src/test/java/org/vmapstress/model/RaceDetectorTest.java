package org.vmapstress.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The race detector ({@link Bug#DATA_RACES}) on hand-ordered threads: the threads run one after
 * the other (start, join), which the detector does not see as an edge. Only what the model
 * reports orders them: a lock one released and the other took, a publication one made and the
 * other reached. So an access pair ordered only by the join is a race here, as it is between
 * two kernel tasks that happened not to overlap.
 */
class RaceDetectorTest {
    private static ModelFixture watched(Bug... bugs) {
        List<Bug> switches = new ArrayList<>(List.of(bugs));
        switches.add(Bug.DATA_RACES);
        return new ModelFixture(BugSet.of(switches));
    }

    /** Runs {@code action} on a thread of its own, to its end; the DATA-RACE it raised, or null. */
    private static Violation onAThreadOfItsOwn(Runnable action) throws InterruptedException {
        AtomicReference<Violation> raised = new AtomicReference<>();
        Thread task = new Thread(() -> {
            try {
                action.run();
            } catch (ModelAssertion assertion) {
                raised.set(assertion.violation());
            }
        });
        task.start();
        task.join();
        return raised.get();
    }

    @Test
    void theFixedModelHasNoRaceBetweenTasksThatShareBlocksThroughTheLocksAndTheIndex() throws InterruptedException {
        ModelFixture f = watched();
        List<Mapping> mapped = new ArrayList<>();
        assertNull(onAThreadOfItsOwn(() -> {
            for (int i = 0; i < 6; i++) {
                mapped.add(f.map(16));
            }
        }));
        assertNull(onAThreadOfItsOwn(() -> mapped.subList(0, 3).forEach(f::unmap)));
        assertNull(onAThreadOfItsOwn(() -> f.model.vmUnmapAliases(f.cpu0)));
        assertNull(onAThreadOfItsOwn(() -> {
            mapped.subList(3, 6).forEach(f::unmap);
            f.model.purgeVmapAreaLazy();
        }));
        assertNull(onAThreadOfItsOwn(() -> f.model.vmUnmapAliases(new CpuContext(1))));
    }

    /**
     * publish-before-init: new_vmap_block writes vb->cpu after xa_insert. The aliases walk that
     * reaches the block through the index later reads the right CPU, so no invariant breaks, but
     * nothing orders the write before its read: the detector reports it, naming both accesses.
     */
    @Test
    void aWriteAfterThePublicationRacesWithAReaderThatFoundTheBlockThroughIt() throws InterruptedException {
        assertNull(aliasesWalkAfterANewBlock(watched()), "the fixed model writes vb->cpu before the publication");
        Violation race = aliasesWalkAfterANewBlock(watched(Bug.PUBLISH_BEFORE_INIT));
        assertEquals(InvariantId.DATA_RACE, race.invariant(), race.toString());
        assertTrue(race.message().matches("the read of VmapBlock\\.cpu of vb@0 \\(written before publication, read after it\\)"
                + " by \\S+, holding \\[vmap_purge_lock, vb@0\\.lock\\], races with the write by \\S+, holding no lock: .*"), race.message());
        assertNull(aliasesWalkAfterANewBlock(new ModelFixture(BugSet.of(Bug.PUBLISH_BEFORE_INIT))),
                "without the detector the walk reads the right CPU and nothing breaks");
    }

    private static Violation aliasesWalkAfterANewBlock(ModelFixture f) throws InterruptedException {
        Violation mapping = onAThreadOfItsOwn(() -> f.map(1));
        return mapping != null ? mapping : onAThreadOfItsOwn(() -> f.model.vmUnmapAliases(f.cpu0));
    }

    /** The lockset half: an access to a lock-guarded field without that lock is reported at once, with the declared guard. */
    @Test
    void aLockGuardedFieldTouchedWithoutItsLockIsReportedAtTheAccess() throws InterruptedException {
        ModelFixture f = watched(Bug.LAZY_LINK_UNLOCKED);
        Violation race = onAThreadOfItsOwn(() -> f.releaseAFullBlock());
        assertEquals(InvariantId.DATA_RACE, race.invariant(), race.toString());
        assertTrue(race.message().startsWith("write of LazyList.areas of LazyList (guarded by lazy.lock) by Thread-"), race.message());
        assertTrue(race.message().contains(", holding no lock, without lazy.lock: "), race.message());
    }

    /** A second thread taking the lock after the first released it is ordered after everything the first did before the release. */
    @Test
    void aReleaseAndTheNextAcquireOrderTheAccessesOfTwoThreads() throws InterruptedException {
        VmapBlock vb = new VmapBlock(new VmapArea(0, 4, VmapArea.Kind.BLOCK), 1, 0, new RaceDetector(ScheduleHook.NONE));
        assertNull(onAThreadOfItsOwn(() -> underLock(vb, () -> vb.setFree(2))));
        assertNull(onAThreadOfItsOwn(() -> underLock(vb, () -> vb.setFree(vb.free(Access.READ) - 1))));
        Violation race = onAThreadOfItsOwn(() -> {
            vb.lock.lock();
            vb.lock.unlock();
            vb.setDirty(1);
        });
        assertEquals(InvariantId.DATA_RACE, race.invariant(), "a write after the unlock is not guarded by it: " + race);
        assertNull(onAThreadOfItsOwn(() -> vb.dirty(Access.READ_ONCE)), "a declared READ_ONCE races by design");
        Violation unordered = onAThreadOfItsOwn(() -> underLock(vb, () -> vb.dirty(Access.READ)));
        assertTrue(unordered.message().startsWith("the read of VmapBlock.dirty of vb@0 (guarded by vb@0.lock) by Thread-"), unordered.message());
        assertTrue(unordered.message().contains("races with the write by Thread-"), unordered.message());
    }

    private static void underLock(VmapBlock vb, Runnable step) {
        vb.lock.lock();
        try {
            step.run();
        } finally {
            vb.lock.unlock();
        }
    }
}
