/**
 * Links, examples and drafts in the built page (issue 9): a shared link opened in a fresh browser shows the
 * scenario without running it, and its run gives the author's trace hash and says so; a corrupted link says what
 * is wrong and leaves the editor usable; drafts survive a reload and the opening of a link; every example is in
 * the menu and runs from it. (Compare in the page: compare.test.ts.)
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { run, sqlReady } from "../helpers.ts";
import { decodeScenario } from "../../src/share/link.ts";
import { openPage, runWithKeyboard, setScenario, waitForConsoleLines } from "./launch.ts";
import { served, servePagePerFile } from "./page-per-file.ts";
import { serveStatic } from "./static-server.ts";

// each test opens pages of its own (fresh contexts: links, reloads, drafts)
servePagePerFile(".tmp/dist-share");

const editorText = async (page: Page) => ((await page.textContent('[data-testid="editor"] .view-lines')) ?? "").replace(/\u00a0/g, " ");
const waitForEditor = (page: Page) => page.waitForSelector('[data-testid="editor"][data-editor="monaco"]', { timeout: 30_000 });

async function shareLink(page: Page): Promise<string> {
  await page.click('[data-testid="share"]');
  await page.waitForSelector('[data-testid="share-link"]');
  return page.inputValue('[data-testid="share-link"]');
}

describe("links, examples and drafts", () => {
  it("a link made after a stopped run carries no trace hash: how far a run got before Stop depends on the machine", async () => {
    const { page, problems } = await openPage(served);
    await setScenario(page, `await flux.start();\nfor (let i = 0; ; i++) await kvs.put("k" + i, i);\n`);
    await page.keyboard.press("Control+Enter");
    await waitForConsoleLines(page, 10); // the run is under way
    await page.click('[data-testid="stop"]');
    await page.waitForSelector('[data-testid="run-error"]:has-text("stopped by the Stop button")', { timeout: 15_000 });
    await expect.poll(() => page.textContent('[data-testid="trace-hash"]')).not.toBe(""); // the page shows what the stopped run did...
    const link = await shareLink(page);
    const decoded = await decodeScenario(link.slice(link.indexOf("#s=") + 3));
    expect(decoded.ok && decoded.scenario.text).toContain("kvs.put");
    expect(decoded.ok && decoded.scenario.traceHash).toBeUndefined(); // ...but the link promises no result
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("a shared link opens in a fresh browser without running, and its run matches the author's hash", async () => {
    const text = readFileSync("playground-scripts/first.ts", "utf8");
    const { page: author, problems } = await openPage(served);
    await setScenario(author, text);
    await author.fill('[data-testid="seed"]', "3");
    await runWithKeyboard(author);
    const link = await shareLink(author);
    expect(link).toMatch(/#s=1\.[\w-]+$/);
    await expect.poll(() => author.textContent('[data-testid="share-result"]')).toContain(`(${link.length.toLocaleString("en")} characters)`);
    // the address bar holds the same link
    await expect.poll(() => author.evaluate(() => location.href)).toBe(link);
    await author.context().close();

    const { page: reader, problems: readerProblems } = await openPage(served);
    await reader.goto(link);
    await waitForEditor(reader);
    await expect.poll(() => reader.inputValue('[data-testid="seed"]')).toBe("3");
    await expect.poll(() => editorText(reader)).toContain("A full statedir"); // (the editor wraps long lines)
    await expect.poll(() => reader.getAttribute('[data-testid="trace-hash"]', "data-runs")).toBe("0"); // not run by opening
    await expect.poll(() => reader.textContent('[data-testid="notice"]')).toContain("press Run");
    await reader.click('[data-testid="run"]');
    await reader.waitForSelector('[data-testid="trace-hash"][data-runs="1"]', { timeout: 30_000 });
    const headless = await run(text, { overrides: { seed: 3 } });
    await expect.poll(() => reader.textContent('[data-testid="trace-hash"]')).toBe(headless.traceHash);
    await expect.poll(() => reader.textContent('[data-testid="notice"]')).toContain("Same result as when shared");
    expect([...problems, ...readerProblems]).toEqual([]);
    await reader.context().close();
  });

  it("a corrupted link says what is wrong; the editor keeps the draft and works; nothing reaches the console", async () => {
    const { page, problems } = await openPage(served);
    await setScenario(page, `// my own draft\nawait flux.start();\nlog("draft ran");\n`);
    const link = await shareLink(page);
    await page.goto(link.slice(0, link.length - 25));
    await expect.poll(() => page.getAttribute('[data-testid="notice"]', "data-kind")).toBe("error");
    await expect.poll(() => page.textContent('[data-testid="notice"]')).toMatch(/This link cannot be opened: .*(cut short|altered)/);
    for (const bad of ["#s=9.abc", "#s=1.%%%%", "#nonsense"]) {
      await page.goto(served.url + bad);
      await expect.poll(() => page.textContent('[data-testid="notice"]')).toMatch(/link format 9|characters a link's data never has|not a link this page knows/);
      if (bad === "#s=9.abc") await expect.poll(() => page.textContent('[data-testid="notice"]')).toContain("link format 9");
    }
    await page.reload();
    await waitForEditor(page);
    await expect.poll(() => editorText(page)).toContain("my own draft");
    await runWithKeyboard(page);
    await expect.poll(() => page.textContent('[data-testid="console"]')).toContain("draft ran");
    // Ctrl+S shares too; a link past 8,000 characters offers the scenario as a file
    let noise = "";
    for (let i = 0; noise.length < 12_000; i++) noise += ((i * 2654435761) % 4294967296).toString(36);
    await setScenario(page, `// long\nlog("${noise}");\n`);
    await page.keyboard.press("ControlOrMeta+S");
    await expect.poll(async () => (await page.inputValue('[data-testid="share-link"]')).length).toBeGreaterThan(8_000);
    await expect.poll(() => page.textContent('[data-testid="share-result"]')).toContain("chat tools may cut a link this long");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("keeps the draft over a reload, and in the drafts list when a link replaces it", async () => {
    const { page: other } = await openPage(served);
    await setScenario(other, `scenario({ title: "From a colleague" });\nawait flux.start();\n`);
    const link = await shareLink(other);
    await other.context().close();

    const { page, problems } = await openPage(served);
    await setScenario(page, `scenario({ title: "My unsaved work" });\nawait flux.start();\nlog(42);\n`);
    // the stored draft follows the editor (a moment later): reload once it holds the text
    await expect.poll(() => page.evaluate(() => localStorage.getItem("flux-enospc-playground:own-draft"))).toContain("My unsaved work");
    await page.reload();
    await waitForEditor(page);
    await expect.poll(() => editorText(page)).toContain("My unsaved work");

    await page.goto(link);
    await expect.poll(() => editorText(page)).toContain("From a colleague");
    await page.click('[data-testid="drafts"]');
    const items = page.locator('[data-testid="draft-item"]');
    await expect.poll(() => items.first().textContent()).toContain("My unsaved work");
    await items.first().click();
    await expect.poll(() => editorText(page)).toContain("My unsaved work");
    // the link's text was put aside in its turn
    await page.click('[data-testid="drafts"]');
    await expect.poll(() => page.locator('[data-testid="draft-item"]').first().textContent()).toContain("From a colleague");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("lists every playground script in the examples menu, and each runs from it", async () => {
    const { page, problems } = await openPage(served);
    await waitForEditor(page);
    const names = readdirSync("playground-scripts")
      .filter((f) => f.endsWith(".ts"))
      .map((f) => f.replace(/\.ts$/, ""));
    for (const name of names) {
      await page.click('[data-testid="examples"]');
      await page.click(`[data-testid="example-${name}"]`);
      await expect.poll(() => page.evaluate(() => location.hash)).toBe(`#example/${name}`);
      await expect.poll(() => page.textContent('[data-testid="origin"]')).toMatch(/^from example /);
      const headless = await run(readFileSync(`playground-scripts/${name}.ts`, "utf8"));
      await runWithKeyboard(page);
      await expect.poll(() => page.textContent('[data-testid="trace-hash"]'), { message: name }).toBe(headless.traceHash);
    }
    // an edit marks the text as changed and turns the address into a link of the edited text
    await page.click('[data-testid="editor"] .view-lines');
    await page.keyboard.press("ControlOrMeta+End");
    await page.keyboard.insertText("\n// edited\n");
    await expect.poll(() => page.getAttribute('[data-testid="origin"]', "data-edited")).toBe("true");
    await expect.poll(() => page.evaluate(() => location.hash)).toMatch(/^#s=1\./);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 240_000);

  it("when the examples cannot be loaded, the menu and an example's link say so in one line, and the editor keeps its text", async () => {
    // the gallery is a chunk of its own, loaded after the first frame: a page whose request for it fails
    const { page, problems } = await openPage(served, { beforeLoad: (p) => p.route(/\/assets\/examples-[^/]*\.js$/, (route) => route.abort()) });
    await waitForEditor(page);
    await setScenario(page, "// my own draft\nawait flux.start();\n");
    await page.click('[data-testid="examples"]');
    await expect.poll(() => page.locator(".share-menu-list [role=alert]").textContent()).toMatch(/^The examples could not be loaded \(.+\); reload the page to try again\.$/);
    await page.keyboard.press("Escape");
    await page.evaluate(() => (location.hash = "#example/first"));
    await expect.poll(() => page.getAttribute('[data-testid="notice"]', "data-kind")).toBe("error");
    expect(await page.textContent('[data-testid="notice"]')).toMatch(/The examples could not be loaded/);
    expect(await editorText(page)).toContain("// my own draft");
    // what the browser itself reports of the refused request, and nothing else
    expect(problems.filter((p) => !/Failed to load resource|Failed to fetch dynamically imported module/.test(p))).toEqual([]);
    await page.context().close();
  }, 120_000);
});

/** Open a downloaded database (with its WAL beside it) in sql.js, as a separate copy, and read from it. */
async function readDatabase(dir: string): Promise<{ integrity: string; objects: number; checkpoints: number }> {
  const sql = await sqlReady;
  const scratch = `/downloaded-${Date.now()}`;
  sql.FS.mkdirTree(scratch);
  for (const name of readdirSync(dir)) sql.FS.writeFile(`${scratch}/${name}`, readFileSync(`${dir}/${name}`));
  const db = new sql.Database();
  try {
    db.exec(`ATTACH '${scratch}/content.sqlite' AS d`);
    const one = (query: string) => db.exec(query)[0]!.values[0]![0];
    return { integrity: String(one("PRAGMA d.integrity_check")), objects: Number(one("SELECT count(*) FROM d.objects")), checkpoints: Number(one("SELECT count(*) FROM d.checkpt_v2")) };
  } finally {
    db.close();
  }
}

describe("files", () => {
  it("downloads the scenario, the run's statedir database and WAL (readable by SQLite) and its trace", async () => {
    const { page, problems } = await openPage(served);
    const text = `scenario({ title: "Files out" });\nawait flux.start();\nfor (let i = 0; i < 20; i++) await kvs.put("k" + i, bytes(2000, i), { sync: true });\n`;
    await setScenario(page, text);
    await runWithKeyboard(page);
    const dir = `.tmp/download-${Date.now()}`;
    mkdirSync(dir, { recursive: true });
    const save = async (testid: string, name?: string) => {
      await page.click('[data-testid="download"]');
      const [download] = await Promise.all([page.waitForEvent("download"), page.click(name ? `[data-testid="${testid}"][data-name="${name}"]` : `[data-testid="${testid}"]`)]);
      await download.saveAs(`${dir}/${download.suggestedFilename()}`);
      return download.suggestedFilename();
    };
    expect(await save("download-scenario")).toBe("Files-out.ts");
    expect(readFileSync(`${dir}/Files-out.ts`, "utf8")).toBe(text);
    const trace = await save("download-trace");
    const json = JSON.parse(readFileSync(`${dir}/${trace}`, "utf8")) as { result: { traceHash: string }; events: unknown[] };
    expect(json.result.traceHash).toBe(await page.textContent('[data-testid="trace-hash"]'));
    expect(json.events.length).toBeGreaterThan(100);

    const db = `${dir}/statedir`;
    mkdirSync(db);
    await page.click('[data-testid="download"]');
    const names = await page.locator('[data-testid="download-file"]').evaluateAll((els) => els.map((e) => e.getAttribute("data-name")!));
    await page.click('[data-testid="download"]');
    expect(names).toEqual(expect.arrayContaining(["content.sqlite", "content.sqlite-wal"]));
    for (const name of names) {
      const saved = await save("download-file", name);
      spawnSync("mv", [`${dir}/${saved}`, `${db}/${name}`]);
    }
    // 20 synced puts: their blobs and a checkpoint are in the database (the WAL holds the recent pages)
    const read = await readDatabase(db);
    expect(read.integrity).toBe("ok");
    expect(read.checkpoints).toBeGreaterThanOrEqual(1);
    expect(read.objects).toBeGreaterThanOrEqual(20);
    if (existsSync("/usr/bin/sqlite3")) {
      const cli = spawnSync("/usr/bin/sqlite3", [`${db}/content.sqlite`, "PRAGMA integrity_check; SELECT count(*) FROM objects;"], { encoding: "utf8" });
      expect(cli.stdout.trim().split("\n")).toEqual(["ok", String(read.objects)]);
    }
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("opens a .ts file from the picker or dropped on the editor; refuses binary and oversized files in one line", async () => {
    const { page, problems } = await openPage(served);
    await setScenario(page, `// work in progress\nlog(1);\n`);
    await page.click('[data-testid="download"]');
    await page.setInputFiles('[data-testid="scenario-picker"]', { name: "mine.ts", mimeType: "text/plain", buffer: Buffer.from(`scenario({ title: "Picked" });\nlog("picked");\n`) });
    await expect.poll(() => editorText(page)).toContain("Picked");
    await expect.poll(() => page.textContent('[data-testid="notice"]')).toContain("Opened mine.ts");
    const drop = (name: string, bytes: number[] | string, size = 0) =>
      page.evaluate(
        ({ name, bytes, size }) => {
          const content = typeof bytes === "string" ? bytes + " ".repeat(size) : new Uint8Array(bytes);
          const transfer = new DataTransfer();
          transfer.items.add(new File([content], name));
          const target = document.querySelector('[data-testid="editor"] .view-lines')!;
          for (const type of ["dragover", "drop"]) target.dispatchEvent(new DragEvent(type, { dataTransfer: transfer, bubbles: true, cancelable: true }));
        },
        { name, bytes, size },
      );
    await drop("dropped.ts", `scenario({ title: "Dropped" });\n`);
    await expect.poll(() => editorText(page)).toContain("Dropped");
    await drop("image.png", [0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 1]);
    await expect.poll(() => page.textContent('[data-testid="notice"]')).toContain("Not opened: image.png is not a text file");
    await drop("huge.ts", "//", 1_100_000);
    await expect.poll(() => page.textContent('[data-testid="notice"]')).toContain("Not opened: huge.ts is 1.1 MB; a scenario file may be at most 1 MB.");
    await expect.poll(() => editorText(page)).toContain("Dropped"); // a refusal loses nothing
    await page.click('[data-testid="drafts"]');
    const drafts = async () => (await page.locator('[data-testid="draft-item"]').allTextContents()).join(" ");
    await expect.poll(drafts).toContain("work in progress");
    await expect.poll(drafts).toContain("Picked");
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

describe("embedded and published", () => {
  it("?embed=1 shows only the editor, Run, the stack view and the console, and links to the full page", async () => {
    const { page, problems } = await openPage(served, { width: 800, height: 600 });
    await page.goto(`${served.url}?embed=1#example/first`);
    await waitForEditor(page);
    for (const id of ["editor", "run", "stack-view", "console", "open-full"]) await expect.poll(() => page.locator(`[data-testid="${id}"]`).isVisible(), { message: id }).toBe(true);
    for (const id of ["messages", "trees", "timeline", "policy", "examples", "compare", "lesson", "lesson-open"]) await expect.poll(() => page.locator(`[data-testid="${id}"]`).isVisible(), { message: id }).toBe(false);
    await expect.poll(() => page.getAttribute('[data-testid="open-full"]', "href")).toBe(`${served.url}#example/first`);
    await page.click('[data-testid="run"]');
    await page.waitForSelector('[data-testid="trace-hash"][data-runs="1"]', { timeout: 30_000 });
    await expect.poll(() => page.getAttribute('[data-testid="disk-gauge"]', "data-used")).not.toBe("0");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("works from a plain static server under a sub-path, links included", async () => {
    const { url, server } = await serveStatic(".tmp/dist-share", "/playground/");
    try {
      const text = readFileSync("playground-scripts/crash-recovery.ts", "utf8");
      const { page, problems } = await openPage({ ...served, url });
      await setScenario(page, text);
      const link = await shareLink(page);
      expect(link.startsWith(`${url}#s=1.`)).toBe(true);
      const { page: reader, problems: readerProblems } = await openPage({ ...served, url: link });
      await waitForEditor(reader);
      await reader.click('[data-testid="run"]');
      await reader.waitForSelector('[data-testid="trace-hash"][data-runs="1"]', { timeout: 30_000 });
      const headless = (await run(text)).traceHash;
      await expect.poll(() => reader.textContent('[data-testid="trace-hash"]')).toBe(headless);
      // a host that sends no headers: the first visit is not cross-origin isolated (each run's realm ran its own
      // engine); the page's service worker (public/coi-sw.js) isolates the next one, where the link replays the same
      expect(await reader.evaluate(() => crossOriginIsolated)).toBe(false);
      await reader.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
      await reader.reload();
      await waitForEditor(reader);
      expect(await reader.evaluate(() => crossOriginIsolated)).toBe(true);
      expect(reader.url()).toBe(link);
      await reader.click('[data-testid="run"]');
      await reader.waitForSelector('[data-testid="trace-hash"][data-runs="1"]', { timeout: 30_000 });
      await expect.poll(() => reader.textContent('[data-testid="trace-hash"]')).toBe(headless);
      expect([...problems, ...readerProblems]).toEqual([]);
      await page.context().close();
      await reader.context().close();
    } finally {
      server.close();
    }
  });
});
