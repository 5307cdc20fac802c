/**
 * The main thread against untrusted text and a hostile browser setting (issue 22), in the built page:
 * - the one-character typo that froze the tab (a `)` where a key of `scenario({...})` belongs), opened from a link
 *   and typed in the editor: the page stays responsive and runs;
 * - the embed (`?embed=1`) in a cross-site frame (host page on localhost, playground on 127.0.0.1: two sites), where
 *   Chromium refuses the frame its storage (reading `localStorage` throws a SecurityError): it works without
 *   storage, says so, and says that it is embedded and which policy runs;
 * - a full localStorage: saves fail, and the page says so instead of throwing;
 * - a link whose engine version writes a verdict of its own is refused, and nothing of it is shown as the page's words.
 */
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeScenario } from "../../src/share/link.ts";
import { ENGINE_VERSION } from "../../src/version.ts";
import { openPage, setScenario } from "./launch.ts";
import { served, servePagePerFile } from "./page-per-file.ts";

servePagePerFile(".tmp/dist-embed");

/** A page on another site (localhost, not 127.0.0.1) that frames the playground, as a blog embedding it would. */
let host: { server: Server; url: string };
beforeAll(async () => {
  const server = createServer((req, res) => {
    const src = new URL(req.url ?? "/", "http://x").searchParams.get("src") ?? "";
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end(`<!doctype html><title>a blog</title><p>My post</p><iframe id="playground" src="${src.replace(/"/g, "&quot;")}" width="1100" height="700"></iframe>`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  host = { server, url: `http://localhost:${(server.address() as AddressInfo).port}/` };
});
afterAll(() => host?.server.close());

const link = async (text: string, engineVersion = ENGINE_VERSION) => `${served.url}#s=${await encodeScenario({ text, settings: {}, engineVersion })}`;
const editorText = async (page: Page | Frame) => ((await page.textContent('[data-testid="editor"] .view-lines')) ?? "").replace(/\u00a0/g, " ");
const waitForEditor = (page: Page | Frame) => page.waitForSelector('[data-testid="editor"][data-editor="monaco"]', { timeout: 30_000 });
/** The main thread answers (a frozen tab never does: the evaluation times out). */
const responsive = (page: Page) => Promise.race([page.evaluate(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 5_000))]);

async function runAndWait(page: Page | Frame, runs: number): Promise<void> {
  await page.click('[data-testid="run"]');
  await page.waitForSelector(`[data-testid="trace-hash"][data-runs="${runs}"]`, { state: "attached", timeout: 30_000 });
}

describe("the main thread against untrusted text and storage", () => {
  it("the typo that froze the tab, opened from a link and typed in the editor, leaves the page responsive", async () => {
    const typo = `scenario({ disk: "2 MiB", ) });\nawait flux.start();\nlog("typo ran");\n`;
    const { page, problems } = await openPage({ ...served, url: await link(typo) }); // a fresh tab opening the link
    await waitForEditor(page);
    await expect.poll(() => responsive(page)).toBe(true);
    await expect.poll(() => editorText(page)).toContain('disk: "2 MiB", )');
    await expect.poll(() => page.textContent('[data-testid="notice"]')).toContain("press Run");
    // typing: a closing brace deleted, a `)` and a `]` typed where a key belongs, one keystroke at a time
    await setScenario(page, `scenario({ disk: "3 MiB", seed: 2 });\nawait flux.start();\nlog("typed ran");\n`);
    await page.keyboard.press("ControlOrMeta+Home");
    await page.keyboard.press("End");
    for (let n = 0; n < 4; n++) await page.keyboard.press("Backspace"); // `scenario({ disk: "3 MiB", seed: 2`
    await page.keyboard.type(", ) ]");
    await expect.poll(() => responsive(page)).toBe(true);
    await expect.poll(() => editorText(page)).toContain("seed: 2, ) ]");
    await expect.poll(() => page.getAttribute('[data-testid="disk-quota"]', "placeholder")).toContain("3 MiB");
    await runAndWait(page, 1); // the engine reports the script's syntax error; the page stays usable
    await expect.poll(() => page.isEnabled('[data-testid="run"]')).toBe(true);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("an embed in a cross-site frame whose storage is blocked works without storage, and says it is embedded and which policy runs", async () => {
    const { page, problems } = await openPage({ ...served, url: `${host.url}?src=${encodeURIComponent(`${served.url}?embed=1#example/policy-read-only`)}` });
    const frame = await (await page.waitForSelector("#playground")).contentFrame();
    if (!frame) throw new Error("the playground's frame did not load");
    // the frame is cross-site: Chromium refuses it localStorage, as it does today (the check that this test tests what it says)
    expect(await frame.evaluate(() => {
      try {
        return typeof window.localStorage;
      } catch (e) {
        return (e as Error).name;
      }
    })).toBe("SecurityError");
    await waitForEditor(frame);
    await expect.poll(() => frame.textContent('[data-testid="embed-banner"]')).toContain("Embedded in another page");
    await expect.poll(() => frame.textContent('[data-testid="embed-policy"]')).toBe("read-only");
    await expect.poll(() => frame.textContent('[data-testid="storage-line"]')).toContain("The browser refuses this page its storage (SecurityError)");
    await expect.poll(() => editorText(frame)).toContain("Read-only propagation");
    await runAndWait(frame, 1);
    await expect.poll(() => frame.getAttribute('[data-testid="disk-gauge"]', "data-used")).not.toBe("0");
    // another text replaces the example: kept aside in memory, and the policy shown follows the script
    await setScenarioInFrame(frame, page, `scenario({ policy: "fail-hard" });\nawait flux.start();\n`);
    await expect.poll(() => frame.textContent('[data-testid="embed-policy"]')).toBe("fail-hard");
    await runAndWait(frame, 2);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("a full localStorage: saves fail, the page says so and keeps working", async () => {
    const { page, problems } = await openPage(served);
    await waitForEditor(page);
    // fill the origin's storage to the last character, as other pages of the same origin could
    const refusals = await page.evaluate(() => {
      const names: string[] = [];
      let n = 0;
      for (let size = 1 << 20; size >= 1; size >>= 2) {
        for (;;) {
          try {
            localStorage.setItem(`filler-${n++}`, "x".repeat(size));
          } catch (e) {
            names.push((e as Error).name);
            break;
          }
        }
      }
      return [...new Set(names)];
    });
    expect(refusals).toEqual(["QuotaExceededError"]);
    await setScenario(page, `// mine, typed into a full storage\nawait flux.start();\nlog("full ran");\n${"// padding\n".repeat(300)}`);
    await expect.poll(() => page.textContent('[data-testid="storage-line"]')).toContain("its storage for this page is full (QuotaExceededError)");
    // opening a link puts the text aside: the drafts list cannot be written, and says so; the list shows what is stored
    await page.goto(await link(`await flux.start();\nlog("the link's");\n`));
    await expect.poll(() => page.textContent('[data-testid="storage-line"]')).toMatch(/did not save (the drafts list|your draft|the editor's text)/);
    await expect.poll(() => page.textContent('[data-testid="drafts"]')).toContain("Drafts (0)");
    await runAndWait(page, 1);
    await expect.poll(() => page.textContent('[data-testid="console"]')).toContain("the link's");
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);

  it("a link whose engine version writes a verdict of its own is refused, and no part of it is shown", async () => {
    const forged = `${ENGINE_VERSION}) ✓ Same result as when shared (verified`;
    const { page, problems } = await openPage({ ...served, url: await link("log(1);", forged) });
    await expect.poll(() => page.getAttribute('[data-testid="notice"]', "data-kind")).toBe("error");
    await expect.poll(() => page.textContent('[data-testid="notice"]')).toContain("the engine version it names is not a version");
    expect(await page.textContent('[data-testid="notice"]')).not.toContain("Same result");
    // an honest link: its engine and the author's hash are shown apart from the page's sentence, labelled
    const text = readFileSync("playground-scripts/first.ts", "utf8");
    await page.goto(`${served.url}#s=${await encodeScenario({ text, settings: {}, traceHash: "0123456789abcdef", engineVersion: "0.1.0" })}`);
    await expect.poll(() => page.locator('[data-testid="notice-field"]').allTextContents()).toEqual(["0.1.0", "0123456789ab…"]);
    await expect.poll(() => page.textContent('[data-testid="notice"]')).toContain("Opened a shared scenario: press Run to run it.");
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

/** Replace the text of the editor inside a frame (the keyboard is the page's: the frame's editor has the focus). */
async function setScenarioInFrame(frame: Frame, page: Page, text: string): Promise<void> {
  await frame.click('[data-testid="editor"] .view-lines');
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(text);
}
