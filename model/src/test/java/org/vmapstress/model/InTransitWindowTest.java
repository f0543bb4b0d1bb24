package org.vmapstress.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The window vm_unmap_aliases leaves open while a vb_free retires a block (docs/model.md,
 * docs/findings): the last vb_free of a block is paused either before it erases the block from
 * the index (the walk sees the block fully dirty and skips it) or after the erase, before the
 * area reaches the lazy list (the walk no longer finds it); meanwhile vm_unmap_aliases runs, and
 * an older unmap's TLB entry in that block must be gone when it returns.
 *
 * <p>Without a patch the strict check reports it; each proposed patch is judged on both pauses:
 * walk-fully-dirty closes only the first; flush-on-retire, retire-list and vbq-retire-list close
 * both.
 */
class InTransitWindowTest {

    @ParameterizedTest(name = "{0} paused at {1}: {2}")
    @CsvSource({
            "none,             FREE_BLOCK_INDEX_ERASE, ALIASES-FLUSHED-STRICT",
            "none,             LAZY_LIST_ADD,          ALIASES-FLUSHED-STRICT",
            "walk-fully-dirty, FREE_BLOCK_INDEX_ERASE, clean",
            "walk-fully-dirty, LAZY_LIST_ADD,          ALIASES-FLUSHED-STRICT",
            "flush-on-retire,  FREE_BLOCK_INDEX_ERASE, clean",
            "flush-on-retire,  LAZY_LIST_ADD,          clean",
            "retire-list,      FREE_BLOCK_INDEX_ERASE, clean",
            "retire-list,      LAZY_LIST_ADD,          clean",
            "vbq-retire-list,  FREE_BLOCK_INDEX_ERASE, clean",
            "vbq-retire-list,  LAZY_LIST_ADD,          clean"})
    void strictAliasesFlushedOnEachSideOfTheErase(String patch, SchedulePoint pause, String expected) throws InterruptedException {
        BugSet switches = BugSet.of(Bug.STRICT_ALIASES_FLUSHED);
        if (!patch.equals("none")) {
            switches = switches.plus(BugSet.of(Bug.byName(patch).orElseThrow()));
        }
        PausingHook hook = new PausingHook(pause);
        ModelFixture f = new ModelFixture(ModelConfig.small(), switches, hook);
        ModelFixture.Retirement retirement = f.retireABlockPaused(hook);
        long before = f.model.unmapTime();
        f.model.vmUnmapAliases(f.cpu0);
        Optional<Violation> found = f.checks().aliasesFlushed(before);
        hook.resume();
        retirement.retiring().join(10_000);
        assertEquals(expected, found.map(v -> v.invariant().id()).orElse("clean"), () -> found.map(Violation::toString).orElse(""));
    }
}
