package org.vmapstress.stress.lincheck;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;

/** impossible-cpu-hash, possible CPUs {0, 2}: the second block hashes to CPU 1, whose queue was never initialised. */
public class ImpossibleCpuHashLincheckTest extends AllocatorLincheckTest {
    public ImpossibleCpuHashLincheckTest() {
        super(BugSet.of(Bug.IMPOSSIBLE_CPU_HASH), smallModel().withPossibleCpus(0, 2));
    }

    @Test
    public void stressFindsIt() {
        String report = assertLincheckFinds(stress());
        assertTrue(report.contains("POSSIBLE-CPU"), report);
    }
}
