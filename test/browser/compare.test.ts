/**
 * Compare in the built page (issue 23): the script's own policy is a column and knob sets can be added (a bad one
 * refused with one line); rows are the script's lines and a verdict row per policy follows; a column's run has the
 * trace hash `npm run scenario -- --policy` gives; "Copy for GitHub" gives the Markdown summary. The policy menu's
 * "custom…" makes a knob set, refuses a conflicting one with conflicts()'s reason, and runs it; a link whose policy
 * is none is refused with one line.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { run } from "../helpers.ts";
import { PRESETS } from "../../src/engine/policy/presets.ts";
import { encodeScenario } from "../../src/share/link.ts";
import { ENGINE_VERSION } from "../../src/version.ts";
import { describe as describeEvent } from "../../src/ui/history.ts";
import { firstParting } from "../../src/ui/compare/run-diff.ts";
import { openPage, runWithKeyboard, setScenario } from "./launch.ts";
import { served, servePagePerFile } from "./page-per-file.ts";

servePagePerFile(".tmp/dist-compare");

const waitForEditor = (page: import("playwright-core").Page) => page.waitForSelector('[data-testid="editor"][data-editor="monaco"]', { timeout: 30_000 });
const KNOB_SET = '{"preset":"upstream","checkpointPutFlushes":false}';

describe("compare in the page", () => {
  it("compares the script's own policy, the presets and a knob set by line, with verdicts, the CLI's hashes and a Markdown summary", async () => {
    const text = readFileSync("playground-scripts/dangling-checkpoint-flux-0.66.ts", "utf8");
    const { page, problems } = await openPage(served);
    await page.context().grantPermissions(["clipboard-read", "clipboard-write"]);
    await page.goto(`${served.url}#example/dangling-checkpoint-flux-0.66`);
    await waitForEditor(page);
    // Stop ends a comparison in progress
    await page.click('[data-testid="compare"]');
    await page.click('[data-testid="compare-stop"]');
    await expect.poll(() => page.textContent('[data-testid="compare-panel"]')).toContain("The comparison stopped: stopped by the Stop button.");
    // a column that is no policy is refused with one line naming what is wrong, and not added
    for (const [bad, message] of [
      ['{"preset":"upstream",', "this JSON does not parse"],
      ['{"preset":"upstream","bogus":1}', 'unknown policy knob "bogus"'],
      ['{"failHard":true,"rc3HoldFreeBytes":1}', "failHard and rc3HoldFreeBytes cannot be combined"],
    ]) {
      await page.fill('[data-testid="compare-add"]', bad);
      await page.click('[data-testid="compare-add-button"]');
      await expect.poll(() => page.textContent('[data-testid="compare-add-problem"]')).toContain(message);
    }
    await expect.poll(() => page.locator('[data-testid="compare-column"]').count()).toBe(1 + Object.keys(PRESETS).length);
    await page.fill('[data-testid="compare-add"]', KNOB_SET);
    await page.click('[data-testid="compare-add-button"]');
    await expect.poll(() => page.locator('[data-testid="compare-column"]').count()).toBe(2 + Object.keys(PRESETS).length);
    await page.click('[data-testid="compare"]');
    await page.waitForSelector('[data-testid="compare-table"]', { timeout: 90_000 });
    const headers = await page.locator('[data-testid="compare-table"] thead [data-testid^="compare-show-"]').allTextContents();
    // the script's own (flux-0.66) first; the preset of the same name is not repeated
    expect(headers).toEqual(["the script's own (flux-0.66)", ...Object.keys(PRESETS).filter((p) => p !== "flux-0.66"), "upstream with checkpointPutFlushes=false"]);
    const rowHeads = await page.locator('[data-testid="compare-table"] tbody th').allTextContents();
    expect(rowHeads[0]).toBe("line 6: flux.start()");
    for (const verdict of ["synced data", "job data", "the instance", "needed a human", "waited forever"]) expect(rowHeads).toContain(verdict);
    await page.locator('[data-testid="compare-panel"]').screenshot({ path: ".tmp/compare-panel.png" });
    await page.locator('[data-testid="compare-table"] tbody th:text-is("waited forever")').scrollIntoViewIfNeeded();
    await page.locator('[data-testid="compare-panel"]').screenshot({ path: ".tmp/compare-verdicts.png" });
    // a column's run is the CLI's run of the same policy: the same trace hash
    for (const [column, policy] of [
      ["the script's own (flux-0.66)", undefined],
      ["upstream", "upstream"],
      ["upstream with checkpointPutFlushes=false", JSON.parse(KNOB_SET)],
    ] as const) {
      const cli = await run(text, { retainTrace: false, ...(policy ? { overrides: { policy } } : {}) });
      await page.click(`[data-testid="compare-show-${column}"]`);
      await expect.poll(() => page.textContent('[data-testid="trace-hash"]'), { message: column }).toBe(cli.traceHash);
    }
    await page.click('[data-testid="compare-copy-markdown"]');
    await expect.poll(() => page.textContent('[data-testid="compare-markdown-status"]')).toContain("Copied");
    const markdown = await page.inputValue('[data-testid="compare-markdown"]');
    // the script's own (flux-0.66), the other presets and one knob set
    expect(markdown).toMatch(new RegExp(`^### Dangling checkpoint[^\\n]*compared under ${Object.keys(PRESETS).length + 1} policies`));
    expect(markdown).toContain("[Open this scenario in the playground](");
    expect(markdown).toContain("`upstream with checkpointPutFlushes=false`: knobs `checkpointPutFlushes=false`");
    expect(markdown).toContain("| synced data |");
    expect(markdown.length).toBeLessThan(40_000);
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(markdown);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 240_000);
});

describe("diff two runs", () => {
  it("shows the first event where two columns' runs part, and both stacks and hash trees at that moment", async () => {
    const text = readFileSync("playground-scripts/dangling-checkpoint-flux-0.66.ts", "utf8");
    const { page, problems } = await openPage(served);
    await page.goto(`${served.url}#example/dangling-checkpoint-flux-0.66`);
    await waitForEditor(page);
    await page.click('[data-testid="compare-columns"]');
    // two columns only: the script's own (flux-0.66) and upstream
    for (const preset of Object.keys(PRESETS).filter((p) => p !== "upstream")) await page.click(`[aria-label="Remove the column ${preset}"]`);
    await expect.poll(() => page.locator('[data-testid="compare-column"]').count()).toBe(2);
    await page.click('[data-testid="compare"]');
    await page.waitForSelector('[data-testid="compare-table"]', { timeout: 90_000 });
    await page.selectOption('[data-testid="diff-a"]', "the script's own (flux-0.66)");
    await page.selectOption('[data-testid="diff-b"]', "upstream");
    await page.click('[data-testid="diff"]');
    const own = await run(text);
    const upstream = await run(text, { overrides: { policy: "upstream" } });
    const parting = firstParting(own.trace, upstream.trace)!;
    expect(parting).toBeDefined();
    await expect.poll(() => page.getAttribute('[data-testid="diff-parting"]', "data-index")).toBe(String(parting.index));
    const rows = await page.locator('[data-testid="diff-event"]').allTextContents();
    expect(rows[0]).toContain(describeEvent(parting.a!));
    expect(rows[0]).toContain(`t = ${parting.a!.t.toFixed(3)} ms`);
    expect(rows[1]).toContain(describeEvent(parting.b!));
    // each side is the page's own stack view and hash trees, at that moment of that run
    const sides = page.locator('[data-testid="diff-side"]');
    await expect.poll(() => sides.count()).toBe(2);
    for (const side of [0, 1]) {
      await expect.poll(() => sides.nth(side).locator('[data-testid="stack-view"]').count()).toBe(1);
      await expect.poll(() => sides.nth(side).locator('[data-testid="trees"]').count()).toBe(1);
      await expect.poll(() => sides.nth(side).locator('[data-testid="stack-time"]').textContent()).toBe(`t = ${(side === 0 ? parting.a! : parting.b!).t.toFixed(3)} ms`);
    }
    await page.locator('[data-testid="run-diff"]').screenshot({ path: ".tmp/run-diff.png" });
    // a column's "check" checks that column's design
    await page.fill('[data-testid="check-runs"]', "1");
    await page.click('[data-testid="compare-check-upstream"]');
    await expect.poll(() => page.getAttribute('[data-testid="check-verdict"]', "data-verdict"), { timeout: 60_000 }).toBe("held");
    expect(await page.textContent('[data-testid="check-policy"]')).toBe("upstream");
    expect(problems).toEqual([]);
    await page.context().close();
  }, 240_000);
});

describe("a knob set of one's own in the policy menu", () => {
  it("shows each knob with its documentation, refuses a conflict with its reason, describes what it changes, and runs it as the CLI does", async () => {
    const text = 'scenario({ disk: "1 MiB" });\nawait flux.start();\nawait kvs.put("a", 1, { sync: true });\n';
    const { page, problems } = await openPage(served);
    await setScenario(page, text);
    await page.selectOption('[data-testid="policy"]', "custom…");
    await page.waitForSelector('[data-testid="custom-policy"]');
    await expect.poll(() => page.textContent('[data-testid="knob-row-rc3HoldFreeBytes"]')).toContain("before unloading the kvs, hold while the flush fails");
    await page.selectOption('[data-testid="custom-preset"]', "read-only");
    await page.check('[data-testid="knob-failHard"]');
    await expect.poll(() => page.textContent('[data-testid="custom-problems"]')).toContain('failHard and backingOnEnospc "read-only" cannot be combined');
    await expect.poll(() => page.isDisabled('[data-testid="custom-apply"]')).toBe(true);
    await page.uncheck('[data-testid="knob-failHard"]');
    await page.fill('[data-testid="knob-rc3HoldFreeBytes"]', "262144");
    await expect.poll(() => page.textContent('[data-testid="custom-choice"]')).toBe('{"preset":"read-only","rc3HoldFreeBytes":262144}');
    await page.click('[data-testid="custom-apply"]');
    await expect.poll(() => page.locator('[data-testid="custom-policy"]').count()).toBe(0);
    const description = page.locator('[data-testid="policy-description"]');
    await expect.poll(() => description.textContent()).toContain("read-only with rc3HoldFreeBytes=262144");
    await expect.poll(() => description.textContent()).not.toContain("garlick's idea"); // the preset's own text is not this design's
    await runWithKeyboard(page);
    const cli = await run(text, { retainTrace: false, overrides: { policy: { preset: "read-only", rc3HoldFreeBytes: 262144 } } });
    await expect.poll(() => page.textContent('[data-testid="trace-hash"]')).toBe(cli.traceHash);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("a link whose policy is no policy is refused with one line, and the editor keeps its text", async () => {
    const { page } = await openPage(served);
    await setScenario(page, "// mine\n");
    const encoded = await encodeScenario({ text: "await flux.start();\n", settings: { policy: '{"preset":"upstream","bogus":1}' }, engineVersion: ENGINE_VERSION });
    await page.goto(`${served.url}#s=${encoded}`);
    await expect.poll(() => page.textContent('[data-testid="notice"]')).toContain('unknown policy knob "bogus"');
    await expect.poll(() => page.getAttribute('[data-testid="notice"]', "data-kind")).toBe("error");
    await page.context().close();
  }, 60_000);
});
