package org.vmapstress.reports.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vmapstress.reports.record.RunRecord;

/** A DATA-RACE's accesses are read from its message and drawn: outlined boxes, joined by a dashed line when there are two. */
class RacingAccessTest {
    private static final String HAPPENS_BEFORE = "the read of VmapBlock.cpu of vb@0 (written before publication, read after it)"
            + " by T1 at step 3 in aliases, holding [vmap_purge_lock, vbq[1].lock], races with the write by T0 at step 1 in map 1p,"
            + " holding no lock: no happens-before edge orders them (no release of a lock the second took, no publication it reached, in between)";
    private static final String LOCKSET = "read of VmapBlock.dirty of vb@128 (guarded by vb@128.lock) by T0 at step 195 in unmap,"
            + " holding no lock, without vb@128.lock: any access under the lock by another thread races with it (lockset; no unordered access seen yet)";

    @Test
    void aHappensBeforeRaceNamesTwoAccessesTheSecondFirst() {
        List<RacingAccess> race = RacingAccess.named("DATA-RACE", HAPPENS_BEFORE);
        assertEquals(List.of(new RacingAccess("read", 1, 3, "aliases", "[vmap_purge_lock, vbq[1].lock]"),
                new RacingAccess("write", 0, 1, "map 1p", "no lock")), race);
        assertEquals("the write by T0 at step 1 (map 1p), holding no lock", race.get(1).describe());
    }

    @Test
    void aLocksetReportNamesOneAccessAndOtherInvariantsNone() {
        assertEquals(List.of(new RacingAccess("read", 0, 195, "unmap", "no lock")), RacingAccess.named("DATA-RACE", LOCKSET));
        assertEquals(List.of(), RacingAccess.named("PTE-ALIAS", HAPPENS_BEFORE));
        assertEquals(List.of(), RacingAccess.named("DATA-RACE", "the read of X by controlled-worker-1, holding no lock, races with"));
    }

    @Test
    void theTimelineOutlinesBothAccessesAndJoinsThem() {
        List<RunRecord.TraceStep> trace = List.of(
                new RunRecord.TraceStep(0, 0, 0, "map 1p", "new_vmap_block:xa_insert", 0, ""),
                new RunRecord.TraceStep(1, 0, 0, "map 1p", "new_vmap_block:set_cpu", 0, ""),
                new RunRecord.TraceStep(2, 1, 1, "aliases", "acquire vb@0.lock", 0, "vmap_purge_lock"),
                new RunRecord.TraceStep(3, 1, 1, "aliases", "purge_fragmented_block:check", 0, "vmap_purge_lock,vb@0.lock"));
        Timeline timeline = new Timeline(trace, 4, Set.of(3, 1));
        List<Timeline.Box> racing = timeline.boxes().stream().filter(timeline::racing).toList();
        assertEquals(List.of(1, 3), racing.stream().map(Timeline.Box::step).toList());
        Timeline.Link link = timeline.raceLinks().get(0);
        assertTrue(link.y2() > link.y1() && link.x1() != link.x2(), link.toString());
        assertEquals(List.of(), new Timeline(trace, 4, Set.of(3)).raceLinks(), "one access (lockset): outlined, not joined");
    }
}
