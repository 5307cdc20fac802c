/**
 * Issue 24, on the built page in Chromium: the views never show another script's run (an example, a file, a draft
 * or a lesson opened clears them, a run still going is dropped), the keyboard reaches everything (a skip link first,
 * Esc closes every menu and panel and gives the focus back, [ and ] on the focused slider, Compare keeps the focus),
 * and a typo in an options object is one error in the page as in the CLI. Each step waits for the state it checks.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { openPage, runWithKeyboard, setScenario } from "./launch.ts";
import { page, problems, served, servePagePerFile } from "./page-per-file.ts";

servePagePerFile(".tmp/dist-keyboard-and-views");

const FILLS_THE_DISK = `scenario({ title: "Fills the disk", disk: "1 MiB" });
await flux.start();
log("the old run's line");
disk.fill();
await kvs.put("big", bytes(200_000));
await sim.settle();
await content.flush();
`;
const text = (p: Page, testid: string) => p.textContent(`[data-testid="${testid}"]`);
const focused = (p: Page) => p.evaluate(() => document.activeElement?.getAttribute("data-testid") ?? document.activeElement?.tagName);
const inEditor = (p: Page) => p.evaluate(() => !!document.activeElement?.closest('[data-testid="editor"]'));
/** The line "◀ now" marks in the editor ("" for none), and how many "◀ now" tags it draws. */
const nowLine = (p: Page) => p.getAttribute('[data-testid="now-line"]', "data-line");
const nowTags = (p: Page) => p.locator(".monaco-editor .now-tag").count();

/** Run the disk-filling story and wait until every panel shows it. */
async function runTheOldStory(p: Page): Promise<void> {
  await setScenario(p, FILLS_THE_DISK);
  await runWithKeyboard(p);
  await expect.poll(() => text(p, "trace-hash")).toMatch(/^[0-9a-f]{16}$/);
  await expect.poll(() => p.getAttribute('[data-testid="disk-gauge"]', "data-full")).toBe("true");
  await expect.poll(() => nowLine(p)).toBe("7");
  await expect.poll(() => nowTags(p)).toBe(1);
  await expect.poll(() => text(p, "console")).toContain("the old run's line");
}

/** Nothing of the old run is left in view. */
async function expectNoRunShown(p: Page): Promise<void> {
  await expect.poll(() => text(p, "trace-hash")).toBe("");
  await expect.poll(() => text(p, "timeline-position")).toContain("no run yet");
  await expect.poll(() => p.getAttribute('[data-testid="disk-gauge"]', "data-used")).toBe("0");
  await expect.poll(() => p.getAttribute('[data-testid="disk-gauge"]', "data-full")).toBe("false");
  await expect.poll(() => nowLine(p)).toBe("");
  await expect.poll(() => nowTags(p)).toBe(0);
  await expect.poll(() => p.locator('[data-testid="run-error"]').count()).toBe(0);
  await expect.poll(() => text(p, "console")).not.toContain("the old run's line");
}

describe("views never show another run", () => {
  it("an example picked from the menu clears the stack, console, hash, timeline, gauge and '◀ now' of the run before", async () => {
    await runTheOldStory(page);
    await page.click('[data-testid="examples"]');
    await page.click('[data-testid="example-crash-recovery"]');
    await expect.poll(() => page.url()).toMatch(/#example\/crash-recovery$/);
    await expectNoRunShown(page);
    expect(problems).toEqual([]);
  });

  it("a file opened, a draft restored and a lesson opened clear it too", async () => {
    await runTheOldStory(page);
    await page.click('[data-testid="download"]');
    await page.setInputFiles('input[type="file"]', { name: "other.ts", mimeType: "text/plain", buffer: Buffer.from(`scenario({ title: "Another file" });\nawait flux.start();\n`) });
    await expect.poll(() => text(page, "notice")).toContain("Opened other.ts");
    await expectNoRunShown(page);

    await runTheOldStory(page);
    await page.click('[data-testid="drafts"]');
    await page.locator('[data-testid="draft-item"]').first().click();
    await expectNoRunShown(page);

    await runTheOldStory(page);
    await page.evaluate(() => (location.hash = "#lesson/2"));
    await expect.poll(() => text(page, "lesson")).toContain("2. Write-back");
    await expectNoRunShown(page);
    expect(problems).toEqual([]);
  });

  it("a run still going when another example opens is stopped, and its result never lands over the new text", async () => {
    await setScenario(page, `await flux.start();\nfor (let i = 0; ; i++) await kvs.put("k" + i, i);\n`);
    const runs = Number(await page.getAttribute('[data-testid="trace-hash"]', "data-runs"));
    await page.keyboard.press("Control+Enter");
    await page.waitForSelector('[data-testid="stop"]:not([disabled])');
    await page.evaluate(() => (location.hash = "#example/first"));
    await page.waitForSelector(`[data-testid="trace-hash"][data-runs="${runs + 1}"]`, { state: "attached", timeout: 30_000 });
    await expectNoRunShown(page);
    await expect.poll(() => page.locator('[data-testid="stop"][disabled]').count()).toBe(1);
    expect(problems).toEqual([]);
  });
});

describe("the keyboard", () => {
  it("reaches the editor from the top in one Tab and Enter, by the skip link", async () => {
    const { page: fresh, problems: freshProblems } = await openPage(served);
    try {
      await fresh.waitForSelector('[data-testid="editor"][data-editor="monaco"]', { timeout: 30_000 });
      await fresh.keyboard.press("Tab");
      await expect.poll(() => focused(fresh)).toBe("skip-to-editor");
      await expect.poll(() => fresh.locator('[data-testid="skip-to-editor"]').isVisible()).toBe(true);
      await fresh.keyboard.press("Enter");
      await expect.poll(() => inEditor(fresh)).toBe(true);
      await expect.poll(() => fresh.evaluate(() => location.hash)).toBe(""); // the link names no route
      expect(freshProblems).toEqual([]);
    } finally {
      await fresh.context().close();
    }
  });

  it("Esc closes the Examples, Drafts and Files menus and gives the focus back to what opened each", async () => {
    for (const menu of ["examples", "drafts", "download"]) {
      await page.focus(`[data-testid="${menu}"]`);
      await page.keyboard.press("Enter");
      const details = page.locator(`details:has(> [data-testid="${menu}"])`);
      await expect.poll(() => details.evaluate((d) => (d as HTMLDetailsElement).open), { message: menu }).toBe(true);
      await page.keyboard.press("Tab"); // into the menu's list
      await expect.poll(() => page.evaluate(() => !!document.activeElement?.closest("details[open] .share-menu-list")), { message: menu }).toBe(true);
      await page.keyboard.press("Escape");
      await expect.poll(() => details.evaluate((d) => (d as HTMLDetailsElement).open), { message: menu }).toBe(false);
      await expect.poll(() => focused(page), { message: menu }).toBe(menu);
    }
    expect(problems).toEqual([]);
  });

  it("[ and ] jump between markers while the timeline's slider has the focus", async () => {
    await setScenario(page, FILLS_THE_DISK);
    await runWithKeyboard(page);
    const slider = page.locator('[data-testid="timeline"]');
    await expect.poll(() => page.locator('[data-testid="timeline-marker"]').count()).toBeGreaterThan(1);
    await slider.focus();
    await page.keyboard.press("Home");
    await expect.poll(() => slider.inputValue()).toBe("0");
    await page.keyboard.press("]");
    await expect.poll(async () => Number(await slider.inputValue())).toBeGreaterThan(0);
    const next = Number(await slider.inputValue());
    await page.keyboard.press("]");
    await expect.poll(async () => Number(await slider.inputValue())).toBeGreaterThan(next);
    await page.keyboard.press("[");
    await expect.poll(async () => Number(await slider.inputValue())).toBe(next);
    await expect.poll(() => focused(page)).toBe("timeline");
    expect(problems).toEqual([]);
  });

  it("Compare started from the keyboard keeps the focus; Esc closes its panel and gives the focus back", async () => {
    await setScenario(page, `scenario({ title: "Small" });\nawait flux.start();\nawait kvs.put("a", 1, { sync: true });\n`);
    await page.focus('[data-testid="compare"]');
    await page.keyboard.press("Enter");
    await expect.poll(() => page.locator('[data-testid="compare-progress"]').count()).toBe(1);
    await expect.poll(() => focused(page)).toBe("compare");
    await page.waitForSelector('[data-testid="compare-table"]', { timeout: 60_000 });
    await expect.poll(() => focused(page)).toBe("compare");
    await page.keyboard.press("Escape");
    await expect.poll(() => page.locator('[data-testid="compare-panel"]').count()).toBe(0);
    await expect.poll(() => focused(page)).toBe("compare");
    expect(problems).toEqual([]);
  });
});

describe("bad input in the page", () => {
  it("a typo in scenario({...}) or in a call's options is one error naming the key, and nothing after it runs", async () => {
    await setScenario(page, `scenario({ instanse: "system" });\nawait flux.start();\nlog("ran on");\n`);
    await runWithKeyboard(page);
    await expect.poll(() => text(page, "run-error")).toContain('scenario(): unknown setting "instanse"; known: title, disk, policy, seed, limit, instance');
    await expect.poll(() => text(page, "console")).not.toContain("ran on");
    await setScenario(page, `await flux.start();\nawait jobs.submit(1, { atOnse: true });\nlog("ran on");\n`);
    await runWithKeyboard(page);
    await expect.poll(() => text(page, "run-error")).toBe('✗ line 2: jobs.submit: unknown option "atOnse"; known: output, runtimeMs, concurrency, atOnce, cores, batchMs');
    await expect.poll(() => text(page, "console")).not.toContain("ran on");
    expect(problems).toEqual([]);
  });
});
