/**
 * Check a design in the built page (issue 23): the checker of `npm run check` runs on the script's policy in a
 * worker, with progress; a design known to break (upstream without checkpointPutFlushes) gets the same shrunk
 * counterexample the checker gives in Node for the same policy and number of sequences, opened as a new text
 * (the reader's goes to the drafts) and shared as a link; a design that holds says which promises were checked and
 * which it does not make; Stop keeps what was found so far; a bad number of sequences, or checker workers that
 * cannot start, is one line.
 */
import { describe, expect, it } from "vitest";
import { DesignChecker } from "../../src/checker/check-design.ts";
import { loadSqlJs } from "../../src/engine/disk/sqljs-node.ts";
import { setScenario } from "./launch.ts";
import { page, problems, servePagePerFile } from "./page-per-file.ts";

servePagePerFile(".tmp/dist-check");

const BREAKS = { preset: "upstream", checkpointPutFlushes: false } as const;
const READER_TEXT = `scenario({ title: "the reader's own", policy: ${JSON.stringify(BREAKS)} });\nawait flux.start();\n`;
const editorText = async () => ((await page.textContent('[data-testid="editor"] .view-lines')) ?? "").replace(/\u00a0/g, " ");
const verdict = () => page.getAttribute('[data-testid="check-verdict"]', "data-verdict");

async function checkWith(runs: string): Promise<void> {
  await page.fill('[data-testid="check-runs"]', runs);
  await page.click('[data-testid="check"]');
}

describe("Check in the page", () => {
  it("finds the break of upstream without checkpointPutFlushes, shrunk as the CLI's checker shrinks it, opens it as a new text and links to it", async () => {
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    await setScenario(page, READER_TEXT);
    // it breaks first in sequence 10 (npm run check -- --policy '{"preset":"upstream","checkpointPutFlushes":false}')
    await checkWith("12");
    await expect.poll(verdict, { timeout: 180_000 }).toBe("broken");
    const cli = await new DesignChecker(await loadSqlJs(), { policy: BREAKS, runs: 12 }).run();
    expect(cli.failure).toBeDefined();
    expect(await page.textContent('[data-testid="check-script"]')).toBe(cli.failure!.script);
    expect(await page.textContent('[data-testid="check-message"]')).toBe(cli.failure!.message);
    expect(await page.textContent('[data-testid="check-verdict"]')).toContain(`the promise “${cli.failure!.broken}”`);
    const drafts = await page.textContent('[data-testid="drafts"]');
    await page.click('[data-testid="check-open-script"]');
    await expect.poll(editorText).toContain("const PROMISES =");
    // the reader's text was put aside, not overwritten
    await expect.poll(() => page.textContent('[data-testid="drafts"]')).not.toBe(drafts);
    await page.click('[data-testid="drafts"]');
    await expect.poll(() => page.locator('[data-testid="draft-item"]').first().textContent()).toContain("the reader's own");
    await page.click('[data-testid="drafts"]');
    await page.click('[data-testid="check-share"]');
    const link = await page.inputValue('[data-testid="check-link"]');
    expect(link).toMatch(/#s=1\./);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(link);
  }, 240_000);

  it("says a design held, which promises were checked and which it does not make; Stop keeps what was found; bad input is one line", async () => {
    await setScenario(page, `scenario({ policy: "flux-0.66" });\nawait flux.start();\n`);
    await checkWith("2");
    await expect.poll(verdict, { timeout: 120_000 }).toBe("held");
    expect(await page.textContent('[data-testid="check-verdict"]')).toContain("Every promise held over 2 sequences");
    expect(await page.textContent('[data-testid="check-policy"]')).toBe("flux-0.66");
    const checked = await page.locator('[data-testid="check-promises"] code').allTextContents();
    expect(checked).toEqual(["flux-errors", "quota", "integrity"]);
    const notMade = await page.locator('[data-testid="check-not-made"] code').allTextContents();
    expect(notMade).toEqual(["checkpoint", "synced", "liveness"]);

    await setScenario(page, `scenario({ policy: "read-only" });\nawait flux.start();\n`);
    await checkWith("500");
    await expect.poll(async () => Number(await page.getAttribute('[data-testid="check-progress"]', "data-done")), { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
    await page.click('[data-testid="check-stop"]');
    await expect.poll(verdict, { timeout: 60_000 }).toBe("stopped");
    expect(await page.textContent('[data-testid="check-verdict"]')).toMatch(/Stopped after \d+ sequences?: every promise held so far/);

    await checkWith("0");
    await expect.poll(() => page.textContent('[data-testid="check-error"]')).toBe('the number of sequences is a whole number from 1, not "0"');
    expect(await page.locator('[data-testid="check-verdict"]').count()).toBe(0);
    expect(problems).toEqual([]);
  }, 240_000);

  it("says so in one line when its checker workers cannot start (their script does not load), and the next check runs", async () => {
    await setScenario(page, `scenario({ policy: "flux-0.66" });\nawait flux.start();\n`);
    await page.route(/check-seed-worker/, (route) => route.abort());
    try {
      await checkWith("2");
      await expect.poll(() => page.locator('[data-testid="check-error"]').textContent(), { timeout: 60_000 }).toBe("the check stopped: a checker worker failed: it did not start");
      expect(await page.locator('[data-testid="check-verdict"]').count()).toBe(0);
    } finally {
      await page.unroute(/check-seed-worker/);
    }
    await checkWith("2");
    await expect.poll(verdict, { timeout: 120_000 }).toBe("held");
    expect(problems).toEqual([]);
  }, 240_000);
});
