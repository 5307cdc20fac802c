/**
 * A link that names a moment (`#s=…&at=<event>`, src/share/route.ts) opened in a fresh page: after Run the timeline
 * is at that event and the stack shows that moment; Share while scrubbed carries the position; a moment past the
 * run's end opens at the end and says so.
 */
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { runRecorded } from "../helpers.ts";
import { lastAtOrBefore } from "../../src/ui/history.ts";
import { encodeScenario } from "../../src/share/link.ts";
import { openPage } from "./launch.ts";
import { served, servePagePerFile } from "./page-per-file.ts";

servePagePerFile(".tmp/dist-moment");

const text = readFileSync("playground-scripts/first.ts", "utf8");
const ENGINE = JSON.parse(readFileSync("package.json", "utf8")).version as string;

async function openAndRun(fragment: string): Promise<{ page: Page; problems: string[] }> {
  const opened = await openPage(served, { fragment }); // opened at the link, as a reader clicking it does
  await opened.page.waitForSelector('[data-testid="editor"][data-editor="monaco"]', { timeout: 30_000 });
  await expect.poll(() => opened.page.textContent('[data-testid="notice"]')).toContain("press Run");
  await opened.page.click('[data-testid="run"]');
  await opened.page.waitForSelector('[data-testid="trace-hash"][data-runs="1"]', { state: "attached", timeout: 60_000 });
  return opened;
}

describe("a link to a moment", () => {
  it("opens with the timeline and the stack at the event it names, and Share while scrubbed names the new one", async () => {
    const headless = await runRecorded(text);
    const index = Math.floor(headless.trace.length / 2);
    const usedThen = lastAtOrBefore(headless.frames, index)!.disk.used;
    expect(usedThen).not.toBe(headless.frames.at(-1)!.disk.used); // else the gauge could not tell the moment from the end
    const data = await encodeScenario({ text, settings: {}, traceHash: headless.traceHash, engineVersion: ENGINE });
    const { page, problems } = await openAndRun(`#s=${data}&at=${index + 1}`);
    await expect.poll(() => page.inputValue('[data-testid="timeline"]')).toBe(String(index));
    await expect.poll(() => page.textContent('[data-testid="timeline-position"]')).toContain(`event ${index + 1} of ${headless.trace.length}`);
    await expect.poll(() => page.getAttribute('[data-testid="disk-gauge"]', "data-used")).toBe(String(usedThen));
    await expect.poll(() => page.textContent('[data-testid="stack-time"]')).toBe(`t = ${headless.trace[index]!.t.toFixed(3)} ms`);
    await expect.poll(() => page.textContent('[data-testid="notice"]')).toContain("Same result as when shared");

    await page.focus('[data-testid="timeline"]');
    await page.keyboard.press("Home");
    await expect.poll(() => page.inputValue('[data-testid="timeline"]')).toBe("0");
    await page.click('[data-testid="share"]');
    await page.waitForSelector('[data-testid="share-link"]');
    expect(await page.inputValue('[data-testid="share-link"]')).toMatch(/#s=1\.[\w-]+&at=1$/);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("a moment past the run's end, or not a number, opens at the end and says so in one line", async () => {
    const data = await encodeScenario({ text, settings: {}, engineVersion: ENGINE });
    for (const [tail, says] of [["&at=99999999", "is past the run's end"], ["&at=soon", "is not an event number"]] as const) {
      const { page, problems } = await openAndRun(`#s=${data}${tail}`);
      const last = await page.getAttribute('[data-testid="timeline"]', "max");
      await expect.poll(() => page.inputValue('[data-testid="timeline"]')).toBe(last);
      await expect.poll(() => page.textContent('[data-testid="console"]')).toContain(says);
      expect(problems).toEqual([]);
      await page.context().close();
    }
  });
});
