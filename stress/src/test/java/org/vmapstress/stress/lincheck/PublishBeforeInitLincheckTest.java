package org.vmapstress.stress.lincheck;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;

/** publish-before-init: vm_unmap_aliases walks the index while a new block's cpu is still unset. */
public class PublishBeforeInitLincheckTest extends AllocatorLincheckTest {
    public PublishBeforeInitLincheckTest() {
        super(BugSet.of(Bug.PUBLISH_BEFORE_INIT), smallModel());
    }

    @Test
    public void modelCheckingFindsIt() {
        String report = assertLincheckFinds(modelChecking());
        assertTrue(report.contains("PUBLISHED-INIT"), report);
    }
}
