package org.vmapstress.stress.lincheck;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;

/** lazy-pte-clear: an unmap leaves its PTE (and Xen's pin would be refused); Lincheck must reject the results. */
public class SeedBugLincheckTest extends AllocatorLincheckTest {
    public SeedBugLincheckTest() {
        super(BugSet.of(Bug.LAZY_PTE_CLEAR), smallModel());
    }

    @Test
    public void stressFindsIt() {
        String report = assertLincheckFinds(stress());
        assertTrue(report.contains("stale PTE") || report.contains("refused"), report);
    }

    @Test
    public void modelCheckingFindsIt() {
        String report = assertLincheckFinds(modelChecking());
        assertTrue(report.contains("stale PTE") || report.contains("refused"), report);
    }
}
