/**
 * The workbench explains itself (issue 13), on the built page in Chromium:
 * the editor offers the scenario API (not the DOM) and warns about an
 * unawaited call; the keyboard can leave the editor and find the help.
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openPage, servePage, setScenario, type Served } from "./launch.ts";

let served: Served;
let page: Page;
let problems: string[];

beforeAll(async () => {
  served = await servePage();
  ({ page, problems } = await openPage(served));
}, 180_000);

afterAll(async () => {
  await served?.close();
});

const markers = (p: Page) =>
  p.evaluate(() => (window as unknown as { __scenarioMarkers: () => { line: number; message: string; severity?: string }[] }).__scenarioMarkers());
const suggestions = (p: Page) => p.$$eval(".suggest-widget.visible .monaco-list-row", (rows) => rows.map((r) => r.getAttribute("aria-label") ?? ""));

describe("the editor", () => {
  it("completes the scenario API first on a blank line, and knows no DOM", async () => {
    await setScenario(page, `await flux.start();\n\n`);
    await page.keyboard.press("Control+Space");
    await page.waitForSelector(".suggest-widget.visible .monaco-list-row", { timeout: 15_000 });
    await expect.poll(() => suggestions(page), { timeout: 15_000 }).toContainEqual(expect.stringMatching(/^flux\b/));
    expect((await suggestions(page)).some((s) => s.startsWith("AbortController"))).toBe(false);
    // typing narrows the list: with the DOM library AbortController would be the best match
    await page.keyboard.type("AbortC");
    await page.waitForTimeout(500);
    expect((await suggestions(page)).filter((s) => s.startsWith("AbortController"))).toEqual([]);
    await page.keyboard.press("Escape");
  });

  it("warns about a scenario call whose promise is dropped, not about an awaited one", async () => {
    await setScenario(page, `await flux.start();\nkvs.put("a", 1);\nawait kvs.put("b", 2);\n`);
    await expect
      .poll(() => markers(page), { timeout: 15_000 })
      .toContainEqual(expect.objectContaining({ line: 2, message: expect.stringContaining("neither awaited, returned, stored nor chained") }));
    expect((await markers(page)).filter((m) => m.line !== 2)).toEqual([]);
  });

  it("is left with Esc then Tab (Tab alone indents)", async () => {
    await setScenario(page, `log(1);\n`);
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => !!document.activeElement?.closest('[data-testid="editor"]'))).toBe(true);
    await page.keyboard.press("Escape");
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => !!document.activeElement?.closest('[data-testid="editor"]'))).toBe(false);
  });

  it("keeps Ctrl+/ for comments; F1 and ? open the help", async () => {
    await setScenario(page, `log(1);`);
    await page.keyboard.press("Control+/");
    await expect.poll(() => page.textContent('[data-testid="editor"] .view-lines')).toMatch(/^\/\/\s*log\(1\);/);
    expect(await page.locator('[role="dialog"]').count()).toBe(0);
    await page.keyboard.press("F1");
    await page.waitForSelector('[role="dialog"]');
    await page.keyboard.press("Escape");
    await page.focus('[data-testid="run"]');
    await page.keyboard.press("?");
    await page.waitForSelector('[role="dialog"]');
    await page.keyboard.press("Escape");
    expect(await page.locator('[role="dialog"]').count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
