/**
 * The workbench explains itself (issue 13), on the built page in Chromium:
 * the editor offers the scenario API (not the DOM) and warns about an
 * unawaited call; the keyboard can leave the editor and find the help;
 * the editor, messages, stack and timeline show one moment; the run lands
 * on the first failure; the controls show the script's settings; the layout
 * holds still and works on a phone; axe-core finds no serious violation.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { openPage, runWithKeyboard, setScenario } from "./launch.ts";
import { page, problems, served, servePagePerFile } from "./page-per-file.ts";

servePagePerFile(".tmp/dist-workbench");

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
    // wait for the list to narrow to what was typed (no flux row left), then look for the DOM's name
    await expect.poll(() => suggestions(page)).not.toContainEqual(expect.stringMatching(/^flux\b/));
    expect((await suggestions(page)).filter((s) => s.startsWith("AbortController"))).toEqual([]);
    await page.keyboard.press("Escape");
  });

  it("warns about a scenario call whose promise is dropped, not about an awaited one", async () => {
    await setScenario(page, `await flux.start();\nkvs.put("a", 1);\nawait kvs.put("b", 2);\n`);
    await expect
      .poll(() => markers(page), { timeout: 15_000 })
      .toContainEqual(expect.objectContaining({ line: 2, message: expect.stringContaining("neither awaited, returned, stored nor chained") }));
    expect((await markers(page)).filter((m) => m.line !== 2)).toEqual([]);
    // its quick fix: Ctrl+. on the call, Enter
    await page.keyboard.press("ControlOrMeta+Home");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Control+.");
    await page.waitForSelector('.action-widget :text("Add await")', { timeout: 15_000 });
    await page.keyboard.press("Enter");
    await expect.poll(async () => (await page.textContent('[data-testid="editor"] .view-lines'))?.replace(/\u00a0/g, " ")).toContain('await kvs.put("a", 1);await kvs.put("b", 2);');
  });

  it("is left with Esc then Tab (Tab alone indents)", async () => {
    await setScenario(page, `log(1);\n`);
    await page.keyboard.press("Tab");
    await expect.poll(() => page.evaluate(() => !!document.activeElement?.closest('[data-testid="editor"]'))).toBe(true);
    await page.keyboard.press("Escape");
    await page.keyboard.press("Tab");
    await expect.poll(() => page.evaluate(() => !!document.activeElement?.closest('[data-testid="editor"]'))).toBe(false);
  });

  it("keeps Ctrl+/ for comments; F1 and ? open the help", async () => {
    await setScenario(page, `log(1);`);
    await page.keyboard.press("Control+/");
    await expect.poll(() => page.textContent('[data-testid="editor"] .view-lines')).toMatch(/^\/\/\s*log\(1\);/);
    await expect.poll(() => page.locator('[role="dialog"]').count()).toBe(0);
    await page.keyboard.press("F1");
    await page.waitForSelector('[role="dialog"]');
    // the dialog has the focus, and gives it back when it closes
    await expect.poll(() => page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'))).toBe(true);
    await page.keyboard.press("Escape");
    await expect.poll(() => page.evaluate(() => !!document.activeElement?.closest('[data-testid="editor"]'))).toBe(true);
    await page.focus('[data-testid="run"]');
    await page.keyboard.press("?");
    await page.waitForSelector('[role="dialog"]');
    await page.keyboard.press("Escape");
    await expect.poll(() => page.locator('[role="dialog"]').count()).toBe(0);
    expect(problems).toEqual([]);
  });
});

const STORY = `scenario({ disk: "1 MiB" });
await flux.start();
await kvs.put("a", 1);
log("between");
await kvs.put("b", 2, { sync: true });
`;
const position = (p: Page) => p.textContent('[data-testid="timeline-position"]');
const nowLine = (p: Page) => p.getAttribute('[data-testid="now-line"]', "data-line");

describe("one moment in every panel", () => {
  it("marks the line of the call behind the event the timeline shows", async () => {
    await setScenario(page, STORY);
    await runWithKeyboard(page);
    await page.focus('[data-testid="timeline"]');
    await page.keyboard.press("End");
    await expect.poll(() => nowLine(page)).toBe("5");
    await page.keyboard.press("Home");
    await expect.poll(() => position(page)).toMatch(/^event 1 of/);
    await expect.poll(() => nowLine(page)).toBe("2");
    // step until the log line: the editor follows
    for (let n = 0; n < 400 && !(await position(page))?.includes("log: between"); n++) await page.keyboard.press("ArrowRight");
    await expect.poll(() => position(page)).toContain("log: between");
    await expect.poll(() => nowLine(page)).toBe("4");
    await expect.poll(() => page.locator(".monaco-editor .now-line").count()).toBe(1);
  });

  it("goes to a message's moment when its row is clicked, and the stack's time is the timeline's", async () => {
    const first = page.locator('[data-testid="message-row"]').first();
    const label = (await first.getAttribute("aria-label"))!;
    const [, t, n] = /^([\d.]+) ms: go to event (\d+)$/.exec(label)!;
    await first.click();
    await expect.poll(() => position(page)).toMatch(new RegExp(`^event ${n} of \\d+ · ${t.replace(".", "\\.")} ms`));
    await expect.poll(() => page.textContent('[data-testid="stack-time"]')).toBe(`t = ${t} ms`);
    expect(problems).toEqual([]);
  });
});

describe("after a run", () => {
  it("shows the first failed call, with the focus on the failed line", async () => {
    await setScenario(page, `scenario({ disk: "1 MiB" });\nawait flux.start();\ndisk.fill();\nawait kvs.put("big", bytes(200_000));\nawait sim.settle();\nawait content.flush();\nlog("not reached");\n`);
    await runWithKeyboard(page);
    await expect.poll(() => position(page)).toMatch(/· content\.flush\(\): ENOSPC$/);
    await expect.poll(() => nowLine(page)).toBe("6");
    await expect.poll(() => page.evaluate(() => !!document.activeElement?.closest('[data-testid="editor"]'))).toBe(true);
  });

  it("gives the focus back to Run when the run went well", async () => {
    await setScenario(page, `await flux.start();\n`);
    await page.click('[data-testid="run"]');
    await page.waitForSelector('[data-testid="run"]:not([disabled])');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("data-testid"))).toBe("run");
  });
});

describe("the run settings", () => {
  it("show what the script asks for; an override is marked, explained when an expect fails, and cleared with ✕", async () => {
    await setScenario(page, readFileSync("playground-scripts/first.ts", "utf8"));
    await expect.poll(() => page.getAttribute('[data-testid="disk-quota"]', "placeholder")).toBe("4 MiB");
    await expect.poll(() => page.textContent('[data-testid="policy"] option[value=""]')).toBe("script: upstream");
    await page.fill('[data-testid="disk-quota"]', "2 MiB");
    await expect.poll(() => page.getAttribute('[data-testid="disk-setting"]', "class")).toContain("override");
    await page.click('[data-testid="disk-setting"] button.clear');
    await expect.poll(() => page.inputValue('[data-testid="disk-quota"]')).toBe("");
    await expect.poll(() => page.getAttribute('[data-testid="disk-setting"]', "class")).not.toContain("override");

    await page.selectOption('[data-testid="policy"]', "read-only");
    await expect.poll(() => page.getAttribute('[data-testid="policy-setting"]', "class")).toContain("override");
    await runWithKeyboard(page);
    await expect.poll(() => page.textContent('[data-testid="run-error"]')).toContain('(the script was written for policy "upstream"; this run used "read-only" from the policy menu)');
    await page.click('[data-testid="policy-setting"] button.clear');
    await expect.poll(() => page.inputValue('[data-testid="policy"]')).toBe("");
    await runWithKeyboard(page);
    await expect.poll(() => page.locator('[data-testid="run-error"]').count()).toBe(0);
  });
});

interface AxeViolation {
  id: string;
  impact: string | null;
  nodes: { target: string[] }[];
}

/** axe-core's serious and critical violations on the page as it is. */
async function axeViolations(p: Page): Promise<string[]> {
  // evaluated, not added as a <script>: the page's Content-Security-Policy refuses inline scripts
  if (!(await p.evaluate(() => "axe" in window))) await p.evaluate(readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8"));
  const violations = await p.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run(document, {})).violations;
  });
  return violations.filter((v) => v.impact === "serious" || v.impact === "critical").map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

describe("accessibility and layout", () => {
  it("has no serious or critical axe-core violation after a run, in the light and the dark theme", async () => {
    await setScenario(page, readFileSync("playground-scripts/first.ts", "utf8"));
    await runWithKeyboard(page);
    // a message row as the current moment too, with its highlight
    await page.locator('[data-testid="message-row"]').last().click();
    for (const theme of ["light", "dark"]) {
      if ((await page.getAttribute("html", "data-theme")) !== theme) await page.click('button[aria-label$="theme"]');
      await expect.poll(() => page.getAttribute("html", "data-theme")).toBe(theme);
      // Monaco repaints its tokens in the new theme a moment later: until then axe may see the old colours
      await expect.poll(() => axeViolations(page), { message: theme }).toEqual([]);
    }
  });

  it("does not move on the first run: the hash and the policy's fold-out have their room already", async () => {
    const { page: fresh } = await openPage(served);
    try {
      await fresh.waitForSelector('[data-testid="editor"][data-editor="monaco"]', { timeout: 30_000 });
      const top = () => fresh.evaluate(() => document.querySelector("main")!.getBoundingClientRect().top);
      const before = await top();
      await runWithKeyboard(fresh);
      await expect.poll(() => fresh.textContent('[data-testid="trace-hash"]')).toMatch(/^[0-9a-f]{16}$/);
      await expect.poll(() => top()).toBe(before);
    } finally {
      await fresh.context().close();
    }
  });

  it("on a phone (390×844): the stack right under the editor, the timeline's label in view", async () => {
    const { page: phone, problems: phoneProblems } = await openPage(served, { width: 390, height: 844 });
    try {
      await phone.waitForSelector('[data-testid="editor"][data-editor="monaco"]', { timeout: 30_000 });
      await runWithKeyboard(phone);
      const y = async (id: string) => (await phone.locator(`[data-testid="${id}"]`).boundingBox())?.y ?? NaN;
      await expect.poll(async () => (await y("stack-view")) > (await y("editor")) && (await y("stack-view")) < (await y("console"))).toBe(true);
      const label = phone.locator('[data-testid="timeline-position"]');
      await expect.poll(() => label.isVisible()).toBe(true);
      await expect.poll(async () => { const b = await label.boundingBox(); return !!b && b.y + b.height <= 844 && b.width > 200; }).toBe(true);
      await expect.poll(() => label.textContent()).toMatch(/^event \d+ of \d+/);
      expect(phoneProblems).toEqual([]);
    } finally {
      await phone.context().close();
    }
  });
});
