package org.vmapstress.harness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.vmapstress.harness.exec.Execution;
import org.vmapstress.harness.exec.ExecutionResult;
import org.vmapstress.harness.exec.ExecutionSpec;
import org.vmapstress.harness.exec.ModelShape;
import org.vmapstress.model.Bug;
import org.vmapstress.model.BugSet;

/** A printed token replays to the same failure, the same trace, every time; a changed one is called stale. */
class ReplayRoundTripTest {
    private static final Execution EXECUTION = new Execution(Duration.ofSeconds(20), 200_000);

    private static ExecutionSpec seedBugDefaults() {
        return new ExecutionSpec(BugSet.of(Bug.LAZY_PTE_CLEAR), ModelShape.firstCpus(4), "random", 3, 20, 0x5eed, "random", 0);
    }

    private static ExecutionResult firstFailure(ExecutionSpec template) throws InterruptedException {
        Explorer.Summary summary = new Explorer(EXECUTION).explore(template, 1000, Duration.ofSeconds(30), s -> { });
        assertNotNull(summary.failure(), "no failure in " + summary.executions() + " executions");
        return summary.failure();
    }

    /** Never disabled: the printed line must bring back the same failure, byte for byte. */
    @Test
    void aPrintedTokenReplaysTheSameInvariantAndTrace() throws InterruptedException {
        ExecutionResult found = firstFailure(seedBugDefaults());
        String printed = Token.of(found).replayLine();
        String tokenText = printed.substring(printed.indexOf('\'') + 1, printed.lastIndexOf('\''));
        ExecutionResult replayed = EXECUTION.run(Token.parse(tokenText).spec());
        assertEquals(found.failureId(), replayed.failureId());
        assertEquals(found.failureMessage(), replayed.failureMessage());
        assertEquals(found.trace(), replayed.trace());
        assertEquals(found.fingerprint(), replayed.fingerprint());
    }

    @Test
    void theSameTokenTwentyTimesGivesTwentyIdenticalTraces() throws InterruptedException {
        ExecutionSpec spec = new ExecutionSpec(BugSet.NONE, ModelShape.firstCpus(4), "random", 3, 20, 42, "pct:3", 7);
        ExecutionResult first = EXECUTION.run(spec);
        for (int i = 0; i < 19; i++) {
            ExecutionResult again = EXECUTION.run(spec);
            assertEquals(first.trace(), again.trace(), "run " + (i + 2) + " diverged");
        }
        assertTrue(first.steps() > 100, "a trace long enough to diverge: " + first.steps());
    }

    @Test
    void aTokenReplayedAgainstAnotherModelIsStaleNotAVerdict() throws InterruptedException {
        ExecutionResult found = firstFailure(seedBugDefaults());
        Token recorded = Token.of(found);
        ExecutionSpec changed = new ExecutionSpec(BugSet.NONE, ModelShape.firstCpus(4), "random", 3, 20, 0x5eed, "random", found.spec().exec());
        String stale = new Token(changed, recorded.steps(), recorded.fingerprint(), recorded.checkpoints()).format();
        int[] exit = new int[1];
        String err = CliRunner.run(exit, "replay", stale)[1];
        assertEquals(2, exit[0]);
        assertTrue(err.startsWith("vmapstress: stale token: the schedule points differ "), err);
        assertEquals(1, err.strip().lines().count(), err);
    }

    /**
     * publish-before-init, seen free-running, which random and PCT on the same workload did not
     * find again (docs/recorder.md): following the flight recording finds it, and the printed
     * token (its schedule the follower's choices) parses and replays it. Free-running is not
     * deterministic and the re-search misses some recordings, so seeds are tried until one is
     * re-found by its recording: the test fails when five failures were seen and none was, or a
     * token does not replay. A machine so loaded that free-running sees none within its time
     * (the bug's window needs the workers to run in parallel) cannot judge: the test is then
     * aborted, reported as skipped, never passed.
     */
    @Test
    void aFreeRunningFailureReFoundByItsRecordingReplaysFromItsToken() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        int seen = 0;
        for (long seed = 1001; seen < 5 && System.nanoTime() < deadline; seed++) {
            ExecutionSpec free = new ExecutionSpec(BugSet.of(Bug.PUBLISH_BEFORE_INIT), ModelShape.firstCpus(4), "random", 4, 20, seed,
                    ExecutionSpec.FREE_RUNNING, 0);
            Explorer.Summary summary = new Explorer(EXECUTION).explore(free, 5000, Duration.ofSeconds(15), s -> { });
            ExecutionResult found = summary.failure();
            seen += found != null || summary.unreproduced() != null ? 1 : 0;
            if (found != null && found.spec().sched().startsWith("choices:")) {
                Token printed = Token.parse(Token.of(found).format());
                ExecutionResult replayed = EXECUTION.run(printed.spec());
                assertEquals("PUBLISHED-INIT", replayed.failureId(), replayed.failureMessage());
                assertEquals(found.trace(), replayed.trace());
                assertNull(printed.staleness(replayed), "replays as recorded");
                return;
            }
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(seen > 0, "publish-before-init not seen free-running within 90 s: nothing to re-search");
        throw new AssertionError("publish-before-init seen free-running " + seen + " times, never re-found by following its recording");
    }

    @Test
    void aTokenWhoseChoicesDoNotUnpackIsBadInput() throws InterruptedException {
        ExecutionSpec spec = new ExecutionSpec(BugSet.NONE, ModelShape.firstCpus(4), "random", 3, 20, 42, "random", 7);
        String text = Token.of(EXECUTION.run(spec)).format().replace(":sched=random:", ":sched=choicesAAAA:");
        BadInput bad = assertThrows(BadInput.class, () -> Token.parse(text));
        assertTrue(bad.getMessage().startsWith("replay token field sched: its choices do not unpack"), bad.getMessage());
    }

    /** The fingerprint covers every field that says what runs: a token with an altered field never replays "as recorded". */
    @Test
    void aTokenWithAnAlteredFieldIsRefusedEvenWhereTheTraceIsTheSame() throws InterruptedException {
        ExecutionSpec spec = new ExecutionSpec(BugSet.NONE, ModelShape.firstCpus(4), "random", 3, 20, 42, "pct:3", 7);
        Token recorded = Token.of(EXECUTION.run(spec));
        assertNull(recorded.staleness(EXECUTION.run(spec)), "the unaltered token replays as recorded");
        for (String[] change : new String[][] {{":frames=1024:", ":frames=1000:"}, {":cpus=0,1,2,3:", ":cpus=0,1,2,5:"}}) {
            Token altered = Token.parse(recorded.format().replace(change[0], change[1]));
            ExecutionResult replayed = EXECUTION.run(altered.spec());
            String why = altered.staleness(replayed);
            assertNotNull(why, change[1] + " replayed as recorded");
        }
        Token framesAltered = Token.parse(recorded.format().replace(":frames=1024:", ":frames=1000:"));
        ExecutionResult sameTrace = EXECUTION.run(framesAltered.spec());
        assertEquals(recorded.checkpoints(), sameTrace.checkpoints(), "fewer frames leave this trace as it was");
        assertTrue(framesAltered.staleness(sameTrace).startsWith("altered token: "), framesAltered.staleness(sameTrace));
    }

    @Test
    void tokensRoundTripThroughTheirText() {
        ExecutionSpec spec = new ExecutionSpec(BugSet.of(Bug.HEAD_INSERT, Bug.WRONG_VBQ_LOCK), ModelShape.firstCpus(2), "fill-block-aliases", 2, 6,
                0xdeadbeefL, "pct:3", 99);
        Token token = new Token(spec, 1234, 0xfedcba9876543210L, java.util.List.of(1, 0xabcd, 0));
        assertEquals(token, Token.parse(token.format()));
        assertTrue(token.format().contains(":sched=pct3:"), token.format());
        assertThrows(BadInput.class, () -> Token.parse(token.format().replace("threads=2", "threads=zero")));
        assertThrows(BadInput.class, () -> Token.parse(token.format().replace("vms1", "vms9")));
        assertThrows(BadInput.class, () -> Token.parse(token.format().replace(":fp=", ":fingerprint=")));
        assertThrows(BadInput.class, () -> Token.parse(token.format().replace(":cp=0001", ":cp=01")));
        assertEquals(token, Token.parse("  " + token.format() + "\n"), "white space around a pasted token is not part of it");
    }

    /** A token asks for no more than run accepts, and every number is read at its full width. */
    @Test
    void tokenFieldsAreBoundedToWhatRunAccepts() {
        ExecutionSpec spec = new ExecutionSpec(BugSet.NONE, ModelShape.firstCpus(2), "random", 2, 6, 1, "random", 0);
        String text = new Token(spec, 1234, 1, java.util.List.of()).format();
        assertThrows(BadInput.class, () -> Token.parse(text.replace("threads=2", "threads=65")), "run allows 64 threads");
        assertThrows(BadInput.class, () -> Token.parse(text.replace("ops=6", "ops=10001")));
        assertThrows(BadInput.class, () -> Token.parse(text.replace("steps=1234", "steps=4294968530")),
                "2^32 + 1234 steps must not read as 1234");
        assertThrows(BadInput.class, () -> Token.parse(text.replace("exec=0", "exec=-1")));
        assertEquals(64, Token.parse(text.replace("threads=2", "threads=64")).spec().threads());
    }
}
