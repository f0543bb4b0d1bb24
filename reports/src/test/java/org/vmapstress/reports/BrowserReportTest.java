package org.vmapstress.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.vmapstress.reports.html.ReportSite;

/**
 * The report in a real browser: Debian's headless Chromium, driven by Selenium through
 * Debian's chromedriver, opens the site from {@code file://} (no server, no network), checks
 * that a failure page's timeline is drawn and visible, that the replay line is there and the
 * copy button answers, and saves screenshots under {@code target/screenshots/}. Skipped only
 * where Chromium is not installed; {@code .ci/run} installs it and fails on any skipped test.
 */
class BrowserReportTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target/screenshots");
    /** Selenium warns that it has no DevTools binding for this Chromium version; the test uses none. */
    private static final java.util.logging.Logger SELENIUM_LOG = java.util.logging.Logger.getLogger("org.openqa.selenium");
    private static ChromeDriver browser;

    @BeforeAll
    static void startBrowser() {
        SELENIUM_LOG.setLevel(java.util.logging.Level.SEVERE);
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "Debian chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)");
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile()).addArguments("--headless=new", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1400,1000");
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    void aFailurePageShowsItsTimelineAndReplayLine(@TempDir Path tmp) throws IOException {
        Path site = tmp.resolve("site");
        ReportSite.write(List.of(Fixtures.records("seed-bug"), Fixtures.records("clean-pct3")), site);

        browser.get(site.resolve("index.html").toUri().toString());
        assertEquals("violation: 1 failure (2 run records)", browser.findElement(By.id("verdict")).getText());
        screenshot("index.png");
        browser.findElement(By.cssSelector("#failures a")).click();
        assertTrue(browser.getCurrentUrl().endsWith("failure-1.html"), browser.getCurrentUrl());

        WebElement timeline = browser.findElement(By.id("timeline"));
        assertTrue(timeline.isDisplayed(), "the timeline SVG is visible");
        assertTrue(timeline.getSize().getHeight() > 1000 && timeline.getSize().getWidth() > 800, "drawn at size: " + timeline.getSize());
        assertEquals(205, browser.findElements(By.cssSelector("#timeline g.step")).size(), "204 steps and the violation row");
        assertTrue(browser.findElement(By.id("violation")).isDisplayed());
        WebElement replay = browser.findElement(By.id("replay-line"));
        assertTrue(replay.isDisplayed() && replay.getText().startsWith("REPLAY: ./vmapstress replay 'vms1:bugs=lazy-pte-clear:"),
                replay.getText());
        WebElement copy = browser.findElement(By.cssSelector("button.copy"));
        copy.click();
        assertEquals("Copied", textOnceSettled(copy, "Copied"), "the copy button says so once the clipboard took the line");
        screenshot("failure.png");
    }

    /**
     * A free-running failure not found again under control (publish-before-init): its story is told
     * from the flight recording, names the other worker's event on the same block, says it was
     * not replayed, and the whole recording is folded below, with the recorded note.
     */
    @Test
    void aFreeRunningFailureTellsItsStoryFromTheRecording(@TempDir Path tmp) throws IOException {
        openFirstFailure(tmp, "free-recorded");
        List<WebElement> story = assertStory();
        assertTrue(story.get(0).getText().startsWith("PUBLISHED-INIT was raised by T0 (in aliases on CPU 0) at recorded event 55")
                && story.get(0).getText().contains("did not find again"), story.get(0).getText());
        String told = String.join("\n", story.stream().map(WebElement::getText).toList());
        assertTrue(told.contains("T1 (map 1p, CPU 1) published block 128 in the block index (xa_insert)"), told);
        assertTrue(browser.findElement(By.id("isolated-pair")).getText().contains("not found again under the controlled scheduler"),
                browser.findElement(By.id("isolated-pair")).getText());
        assertTrue(browser.findElement(By.id("slice-recorded")).getText().startsWith("From the recording"));
        List<WebElement> slice = browser.findElements(By.cssSelector("#slice tr[id^=slice-]"));
        assertTrue(!slice.isEmpty() && slice.size() <= 25, slice.size() + " slice rows");
        assertTrue(slice.stream().anyMatch(r -> r.getText().contains("T1's last recorded event on block 128 before the violation")),
                String.join("\n", slice.stream().map(WebElement::getText).toList()));
        WebElement full = browser.findElement(By.id("full-trace"));
        assertEquals(null, full.getAttribute("open"), "the whole recording is folded");
        screenshot("free-recorded.png");
        story.get(0).findElement(By.cssSelector("a.step-link")).click();
        assertEquals("true", full.getAttribute("open"), "a story link opens the folded recording");
        WebElement recorded = browser.findElement(By.id("recorded"));
        assertTrue(recorded.isDisplayed() && recorded.getText().startsWith("Recorded while free-running"), recorded.getText());
        assertTrue(recorded.getText().contains("The red box is the event the violation was raised at"), recorded.getText());
        assertEquals(94, browser.findElements(By.cssSelector("#timeline g.step")).size(), "94 recorded events, the violation's among them");
        assertEquals("55", browser.findElement(By.id("violation")).getAttribute("data-step"), "the violating box is event 55");
        assertTrue(browser.findElement(By.id("replay-line")).getText().startsWith("No replay line"));
    }

    /**
     * A Lincheck failure (lazy-pte-clear under model checking) told on the model's steps of its
     * failing invocation: the story names the operation as Lincheck prints it, the page says where
     * the steps come from, and Lincheck's own interleaving is shown too.
     */
    @Test
    void aLincheckFailureIsToldOnTheModelsSteps(@TempDir Path tmp) throws IOException {
        openFirstFailure(tmp, "lincheck-mapped");
        List<WebElement> story = assertStory();
        assertTrue(story.get(0).getText().startsWith("UNMAP-CLEARS was raised by T0 (in unmap(1, 0) on CPU 0) at recorded event 22"),
                story.get(0).getText());
        WebElement recorded = browser.findElement(By.id("recorded"));
        assertTrue(recorded.getText().startsWith("Recorded during Lincheck's failing invocation"), recorded.getText());
        WebElement lincheck = browser.findElement(By.id("lincheck-interleaving"));
        assertTrue(lincheck.isDisplayed() && lincheck.getText().contains("The following interleaving leads to the error"));
        assertEquals("22", browser.findElement(By.id("violation")).getAttribute("data-step"), "the violating box is event 22");
        screenshot("lincheck-lazy-pte-clear.png");
    }

    /**
     * The seed bug explained (lazy-pte-clear, found under PCT by the suite, shrunk to one worker
     * and isolated): the page says why there is no pair, shows the step where the bug's code ran
     * against the fixed model's with both replay lines, lists the slice, tells the story with a
     * link per sentence, and folds the whole interleaving, which a story link opens at its step.
     */
    @Test
    void theSeedBugsPageTellsItsStoryAndFoldsTheWholeInterleaving(@TempDir Path tmp) throws IOException {
        openFirstFailure(tmp, "seed-bug-explained");
        assertTrue(browser.findElement(By.id("isolated-pair")).getText().startsWith("No pair of steps isolated: none to isolate"),
                browser.findElement(By.id("isolated-pair")).getText());
        assertSlice("the step the violation was found in");
        List<WebElement> story = assertStory();
        assertTrue(story.get(0).getText().startsWith("UNMAP-CLEARS broke at step ") && story.get(0).getText().contains("own operations"),
                story.get(0).getText());
        WebElement changed = browser.findElement(By.id("bug-divergence"));
        assertTrue(changed.getText().matches("The same schedule on the fixed model \\(the bug switched off\\): the two ran the same steps up"
                + " to step (\\d+) \\(T0 .*\\), where the bug's code ran\\. From there, with the bug, it went on to acquire vb@0\\.lock → UNMAP-CLEARS;"
                + " without it, it went on to"
                + " pte:clear 0 \\(cleared the PTE of VA page 0 \\(vunmap_range_noflush\\)\\) → clean\\. Both were replayed to confirm:"), changed.getText());
        assertTrue(browser.findElement(By.id("divergence-failing-replay")).getText().contains("'vms1:bugs=lazy-pte-clear:"));
        assertTrue(browser.findElement(By.id("divergence-passing-replay")).getText().contains("'vms1:bugs=none:"), "the fixed model's run");
        assertTrue(story.stream().anyMatch(s -> s.getText().contains("here the bug's code ran.")), "the story tells where the bug's code ran");
        assertTrue(browser.findElement(By.id("slice-timeline")).isDisplayed(), "the slice is drawn as a short timeline");
        WebElement full = browser.findElement(By.id("full-trace"));
        assertEquals(null, full.getAttribute("open"), "the whole interleaving is folded");
        assertTrue(!browser.findElement(By.id("timeline")).isDisplayed(), "its timeline is hidden until opened");
        assertEquals(null, browser.findElement(By.id("found-trace")).getAttribute("open"), "so is the execution as found");
        screenshot("lazy-pte-clear.png");
        WebElement last = story.get(story.size() - 1).findElement(By.cssSelector("a.step-link"));
        last.click();
        assertEquals("true", full.getAttribute("open"), "a story link opens the folded interleaving");
        WebElement target = browser.findElement(By.id(last.getAttribute("href").replaceAll(".*#", "")));
        assertTrue(target.isDisplayed(), "and shows its step");
        assertEquals("violation", target.getAttribute("id"), "the last sentence is the violating step");
    }

    /**
     * A failure with its isolated ordering (publish-before-init, found under PCT by the suite,
     * shrunk and isolated): the pair is named with both replay lines, the slice lists the pair and
     * the step the violation was found in, and the story says what decided it.
     */
    @Test
    void aFailurePageShowsTheOrderingThatFailsAndTheStepsThatLedToIt(@TempDir Path tmp) throws IOException {
        openFirstFailure(tmp, "isolated-pair");
        WebElement pair = browser.findElement(By.id("isolated-pair"));
        assertTrue(pair.isDisplayed(), "the pair is on the page");
        assertTrue(pair.getText().matches("step \\d+ \\(T\\d on CPU \\d, in map .*, at new_vmap_block:xa_insert.*\\) before step \\d+ .*"
                + " → PUBLISHED-INIT; the other way round → clean\\. Both were replayed to confirm:"), pair.getText());
        assertTrue(browser.findElement(By.id("failing-replay")).getText().startsWith("REPLAY: ./vmapstress replay 'vms1:bugs=publish-before-init:"));
        assertTrue(browser.findElement(By.id("passing-replay")).getText().contains(":sched=choices"), "the clean order replays from its picks");
        assertSlice("the isolated pair's first step");
        List<WebElement> story = assertStory();
        assertTrue(story.get(0).getText().matches("PUBLISHED-INIT broke at step \\d+ .* because T\\d's step \\d+ \\(published block \\d+"
                + " in the block index \\(xa_insert\\)\\) ran before .*"), story.get(0).getText());
        assertTrue(story.get(story.size() - 1).getText().matches(".*reading VmapBlock\\.cpu of block \\d+, which no step before it had"
                + " written.*"), story.get(story.size() - 1).getText());
        screenshot("publish-before-init.png");
    }

    /** racy-lazy-count explained: the story names the lazy list written before vmap_lazy_nr, which the purge read unwritten. */
    @Test
    void racyLazyCountsStoryNamesTheListWrittenBeforeTheCount(@TempDir Path tmp) throws IOException {
        openFirstFailure(tmp, "racy-lazy-count-explained");
        assertSlice("the isolated pair's second step");
        String story = String.join("\n", assertStory().stream().map(WebElement::getText).toList());
        assertTrue(story.contains("wrote LazyList.areas") && story.contains("reading vmap_lazy_nr, which no step before it had written"),
                story);
        screenshot("racy-lazy-count.png");
    }

    /** The slice table: at most 25 rows, one of them {@code why}. */
    private static void assertSlice(String why) {
        List<WebElement> slice = browser.findElements(By.cssSelector("#slice tr[id^=slice-]"));
        assertTrue(!slice.isEmpty() && slice.size() <= 25, slice.size() + " slice rows");
        String rows = String.join("\n", slice.stream().map(WebElement::getText).toList());
        assertTrue(rows.contains(why) && rows.contains("the step the violation was found in"), rows);
    }

    /** The story: three to eight sentences, each with a link to an element of the page (a timeline box or a slice row). */
    private static List<WebElement> assertStory() {
        List<WebElement> story = browser.findElements(By.cssSelector("#story li"));
        assertTrue(story.size() >= 3 && story.size() <= 8, story.size() + " sentences");
        for (WebElement sentence : story) {
            WebElement link = sentence.findElement(By.cssSelector("a.step-link"));
            String id = link.getAttribute("href").replaceAll(".*#", "");
            assertEquals(1, browser.findElements(By.id(id)).size(), "the link of \"" + sentence.getText() + "\" leads to one element");
            assertEquals("step " + sentence.getAttribute("data-step"), link.getText(), "the link names the sentence's step");
        }
        return story;
    }

    /** Writes the report of the fixture record {@code fixture} under {@code tmp} and opens its first failure page. */
    private static void openFirstFailure(Path tmp, String fixture) throws IOException {
        Path site = tmp.resolve("site");
        ReportSite.write(List.of(Fixtures.records(fixture)), site);
        browser.get(site.resolve("failure-1.html").toUri().toString());
    }

    private static void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        File shot = browser.getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * The element's text once it reads {@code expected}, or what it reads after five seconds:
     * the copy button's text changes when the clipboard's promise settles, after the click returned.
     */
    private static String textOnceSettled(WebElement element, String expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        String text = element.getText();
        while (!expected.equals(text) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            text = element.getText();
        }
        return text;
    }
}
