package org.vmapstress.stress.lincheck;

import org.junit.jupiter.api.Test;
import org.vmapstress.model.BugSet;
import org.vmapstress.model.ModelConfig;

/** The fixed model is linearizable against the specification, and its invariants hold, in both modes. */
public class FixedModelLincheckTest extends AllocatorLincheckTest {
    public FixedModelLincheckTest() {
        super(BugSet.NONE, AllocatorLincheckTest.smallModel());
    }

    @Test
    public void stressTest() {
        stress().check(getClass());
    }

    @Test
    public void modelCheckingTest() {
        modelChecking().check(getClass());
    }
}
