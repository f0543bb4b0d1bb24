package org.vmapstress.stress.lincheck;

import org.vmapstress.model.BugSet;
import org.vmapstress.model.ModelConfig;

/**
 * The allocator under Lincheck with the bugs {@link LincheckRun} chose for this JVM (Lincheck
 * builds test instances through a no-argument constructor, so the choice is static).
 */
public class ConfiguredLincheckTest extends AllocatorLincheckTest {
    private static volatile BugSet bugs = BugSet.NONE;
    private static volatile ModelConfig config = smallModel();

    public ConfiguredLincheckTest() {
        super(bugs, config);
    }

    static void configure(BugSet chosenBugs, ModelConfig chosenConfig) {
        bugs = chosenBugs;
        config = chosenConfig;
    }
}
