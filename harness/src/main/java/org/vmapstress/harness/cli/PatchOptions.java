package org.vmapstress.harness.cli;

import java.util.ArrayList;
import java.util.List;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;
import picocli.CommandLine.Option;

/**
 * The switches that change the kernel under test without re-introducing a bug: {@code --patch}
 * (proposed kernel fixes), {@code --strict} (ALIASES-FLUSHED without its in-transit
 * exemption) and {@code --races} (the race detector). {@code run} and {@code suite} take them with {@code --bug} ({@link SwitchOptions});
 * {@code zoo} applies them to every configuration it runs, the fixed model and each bug alike.
 */
final class PatchOptions {
    @Option(names = "--patch", paramLabel = "NAME",
            description = "Apply a proposed kernel fix (repeatable; see 'patches'; default: none, the kernel as it is).")
    private List<String> patches = new ArrayList<>();

    @Option(names = "--strict",
            description = "Judge vm_unmap_aliases strictly: no alias left even of a block a concurrent vb_free is retiring"
                    + " (ALIASES-FLUSHED-STRICT; default: off).")
    private boolean strict;

    @Option(names = "--races",
            description = "Watch the model's shared fields with the race detector: an access unordered with another, or made"
                    + " without its declared lock, is DATA-RACE (default: off).")
    private boolean races;

    /** The --patch, --strict and --races switches. */
    BugSet switches() {
        List<Bug> chosen = new ArrayList<>(SwitchOptions.named("--patch", patches, Bug.Kind.PATCH));
        if (strict) {
            chosen.add(Bug.STRICT_ALIASES_FLUSHED);
        }
        if (races) {
            chosen.add(Bug.DATA_RACES);
        }
        return BugSet.of(chosen);
    }
}
