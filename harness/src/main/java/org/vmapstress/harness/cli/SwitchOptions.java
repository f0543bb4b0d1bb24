package org.vmapstress.harness.cli;

import java.util.ArrayList;
import java.util.List;
import org.vmapstress.harness.BadInput;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The model switches a command takes on its command line: {@code --bug} (historical bugs and
 * canaries), {@code --patch} (proposed kernel fixes) and {@code --strict} (ALIASES-FLUSHED
 * without its in-transit exemption; those two in {@link PatchOptions}). Each option accepts
 * only its own kind of switch, so a patch is never mistaken for a bug; together they make the
 * run's {@link BugSet}, which tokens record and replay.
 */
final class SwitchOptions {
    @Option(names = "--bug", paramLabel = "NAME",
            description = "Re-introduce a historical bug (repeatable; see 'bugs'; default: none, the fixed model).")
    private List<String> bugs = new ArrayList<>();

    @Mixin
    private PatchOptions patchesAndChecks;

    /** Every switch named on the command line. */
    BugSet switches() {
        return BugSet.of(bugs()).plus(patchesAndChecks.switches());
    }

    /** The --bug switches alone, each a historical bug or a canary. */
    private List<Bug> bugs() {
        return bugsNamed(bugs);
    }

    /** The switches a --bug option names (suite's and zoo's too): historical bugs or canaries, else bad input. */
    static List<Bug> bugsNamed(List<String> names) {
        return named("--bug", names, Bug.Kind.ZOO, Bug.Kind.CANARY);
    }

    /** The switches {@code names}, each of one of {@code kinds}; another kind, or an unknown name, is bad input. */
    static List<Bug> named(String option, List<String> names, Bug.Kind... kinds) {
        List<Bug> chosen = new ArrayList<>();
        for (String name : names) {
            Bug bug = Bug.byName(name).orElseThrow(() -> new BadInput("unknown " + option.substring(2) + " '" + name
                    + "' (" + whereListed(kinds[0]) + ")"));
            if (!List.of(kinds).contains(bug.kind())) {
                throw new BadInput(option + " " + name + ": '" + bug + "' is " + bug.kind().noun() + " (" + whereListed(bug.kind()) + ")");
            }
            chosen.add(bug);
        }
        return chosen;
    }

    /** Where the switches of a kind are listed, or how the check is turned on. */
    private static String whereListed(Bug.Kind kind) {
        return switch (kind) {
            case ZOO, CANARY -> "see ./vmapstress bugs";
            case PATCH -> "see ./vmapstress patches";
            case CHECK -> "turned on by --strict";
        };
    }
}
