package org.vmapstress.fray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;
import org.vmapstress.reports.record.RunRecord;

/**
 * Fray as the peer engine the zoo and bench measure: it finds a re-introduced bug through the
 * model's own locks and atomics, with the invariant that bug breaks, and finds nothing on the
 * fixed model. Runs only with the profile "fray", on Fray's instrumented JDK 25.
 */
class FraySearchTest {
    @Test
    void posFindsPublishBeforeInitWithTheInvariantItBreaks() {
        RunRecord record = new FraySearch(new FrayWorkload(BugSet.of(Bug.PUBLISH_BEFORE_INIT), 0), "pos", 60).run();

        assertEquals("violation", record.verdict(), () -> "Fray did not find publish-before-init: " + record.incomplete());
        assertEquals("PUBLISHED-INIT", record.failures().get(0).invariant());
        assertEquals(record.counts().executions() - 1, record.failures().get(0).execution());
    }

    @Test
    void pctFindsTheSeedBug() {
        RunRecord record = new FraySearch(new FrayWorkload(BugSet.of(Bug.LAZY_PTE_CLEAR), 1), "pct3", 60).run();

        assertEquals("UNMAP-CLEARS", record.failures().get(0).invariant());
    }

    @Test
    void theFixedModelIsCleanForFiveSeconds() {
        RunRecord record = new FraySearch(new FrayWorkload(BugSet.NONE, 0), "pos", 5).run();

        assertEquals("clean", record.verdict(), () -> record.failures() + " " + record.incomplete());
        assertTrue(record.counts().executions() > 10, () -> "only " + record.counts().executions() + " executions");
        assertEquals("fray-pos", record.configuration().sched());
    }
}
