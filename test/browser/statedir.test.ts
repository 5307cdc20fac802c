/**
 * Files → Open statedir in the built page: runs start from a statedir real flux-core 0.88 wrote (its data in the
 * WAL), Compare's too, the page downloads what real Flux would have on disk (objects keyed by the raw digest, type TEXT), a file
 * that is no statedir is refused in one line, and a forgotten statedir is gone from the next run. A run's statedir
 * files stay in the engine worker until one is downloaded: the page's heap holds none of their bytes.
 */
import { mkdirSync, readFileSync, readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { sqlReady } from "../helpers.ts";
import { runWithKeyboard, setScenario } from "./launch.ts";
import { page, problems, servePagePerFile } from "./page-per-file.ts";

servePagePerFile(".tmp/dist-statedir");

const KILLED = new URL("../fixtures/real-statedir-0.88/killed/", import.meta.url);
const consoleText = () => page.textContent('[data-testid="console-lines"]');

describe("Files → Open statedir", () => {
  it("runs start from the opened statedir, and its download is what real Flux would write", async () => {
    await setScenario(page, `await flux.start();\nlog("synced=" + await kvs.get("synced"));\nawait kvs.put("page", "wrote", { sync: true });\n`);
    await page.click('[data-testid="download"]');
    // renamed as a browser renames a second download: the page tells the files apart by their first bytes
    await page.setInputFiles('[data-testid="statedir-picker"]', [
      { name: "content (1).sqlite", mimeType: "application/octet-stream", buffer: readFileSync(new URL("content.sqlite", KILLED)) },
      { name: "content.sqlite-wal", mimeType: "application/octet-stream", buffer: readFileSync(new URL("content.sqlite-wal", KILLED)) },
    ]);
    await page.click('[data-testid="download"]');
    await expect.poll(() => page.textContent('[data-testid="opened-statedir"]')).toContain("content.sqlite (4,096 bytes) + content.sqlite-wal (861,112 bytes)");
    await page.click('[data-testid="download"]');
    await runWithKeyboard(page);
    await expect.poll(consoleText).toContain("synced=yes");

    const dir = `.tmp/statedir-download-${Date.now()}`;
    mkdirSync(dir, { recursive: true });
    await page.click('[data-testid="download"]');
    const [download] = await Promise.all([page.waitForEvent("download"), page.click('[data-testid="download-file"][data-name="content.sqlite"]')]);
    await download.saveAs(`${dir}/content.sqlite`);
    await page.click('[data-testid="download"]');
    const [wal] = await Promise.all([page.waitForEvent("download"), page.click('[data-testid="download-file"][data-name="content.sqlite-wal"]')]);
    await wal.saveAs(`${dir}/content.sqlite-wal`);
    const keys = await keyTypes(dir);
    expect(keys).toEqual([["text", 20]]);
    expect(problems).toEqual([]);
  });

  it("Compare runs every preset from the opened statedir too", async () => {
    await page.click('[data-testid="compare"]');
    await page.waitForSelector('[data-testid="compare-table"]', { timeout: 60_000 });
    // a preset's column (the script's own policy, upstream, is its own column)
    await page.click('[data-testid="compare-show-read-only"]');
    await expect.poll(() => page.textContent('[data-testid="console"]')).toContain("policy read-only");
    await expect.poll(consoleText).toContain("synced=yes");
    await page.keyboard.press("Escape");
  });

  it("refuses a file that is neither a database nor a WAL in one line, and a forgotten statedir is gone from the next run", async () => {
    await page.click('[data-testid="download"]');
    await page.setInputFiles('[data-testid="statedir-picker"]', [{ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("hello") }]);
    await expect.poll(() => page.textContent('[data-testid="notice"]')).toContain("Statedir not opened: notes.txt is neither an SQLite database nor an SQLite write-ahead log");
    // the statedir opened before is still the one runs start from
    await page.click('[data-testid="download"]');
    await expect.poll(() => page.textContent('[data-testid="opened-statedir"]')).toContain("content.sqlite-wal");
    await page.click('[data-testid="forget-statedir"]');
    await setScenario(page, `await flux.start();\nlog("synced is " + await kvs.get("synced").catch((e) => e.errno));\n`);
    await runWithKeyboard(page);
    await expect.poll(consoleText).toContain("synced is ENOENT");
  });
});

describe("a run's statedir files", () => {
  it("stay in the engine worker: the page's heap takes no copy of them, and a download asks the worker for its file", async () => {
    // about 48 MB of statedir (random bytes do not compress), against a page heap of a few tens of MB
    await setScenario(page, `scenario({ disk: "256 MiB" });\nawait flux.start();\nfor (let i = 0; i < 48; i++) await kvs.put("big" + i, bytes(1000000), { sync: true });\nlog("stored");\n`);
    const before = await pageMemory();
    await runWithKeyboard(page);
    await expect.poll(consoleText, { timeout: 60_000 }).toContain("stored");
    const sizes = await page.locator('[data-testid="download-file"]').evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-size"))));
    const stored = sizes.reduce((a, b) => a + b, 0);
    expect(stored).toBeGreaterThan(40e6);
    const grown = (await pageMemory()) - before;
    expect(grown, `the page's heap and buffers grew by ${grown} bytes for a statedir of ${stored}`).toBeLessThan(stored / 4);

    const dir = `.tmp/statedir-big-${Date.now()}`;
    mkdirSync(dir, { recursive: true });
    await page.click('[data-testid="download"]');
    const [download] = await Promise.all([page.waitForEvent("download"), page.click('[data-testid="download-file"][data-name="content.sqlite-wal"]')]);
    await download.saveAs(`${dir}/content.sqlite-wal`);
    const saved = readFileSync(`${dir}/content.sqlite-wal`);
    expect(saved.length).toBe(Number(await page.getAttribute('[data-testid="download-file"][data-name="content.sqlite-wal"]', "data-size")));
    expect(saved.readUInt32BE(0) & 0xfffffffe).toBe(0x377f0682); // a WAL's magic number
    expect(problems).toEqual([]);
  }, 120_000);
});

/** The page's JS heap and ArrayBuffer memory after a forced GC, in bytes (DevTools' usedSize + backingStorageSize). */
async function pageMemory(): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send("HeapProfiler.collectGarbage");
    const usage = (await cdp.send("Runtime.getHeapUsage")) as { usedSize: number; backingStorageSize?: number };
    return usage.usedSize + (usage.backingStorageSize ?? 0);
  } finally {
    await cdp.detach();
  }
}

/** The SQLite types and byte lengths of a downloaded database's keys (read with its WAL beside it, in sql.js). */
async function keyTypes(dir: string): Promise<unknown[][]> {
  const sql = await sqlReady;
  const scratch = `/statedir-download-${Date.now()}`;
  sql.FS.mkdirTree(scratch);
  for (const name of readdirSync(dir)) sql.FS.writeFile(`${scratch}/${name}`, readFileSync(`${dir}/${name}`));
  const db = new sql.Database();
  try {
    db.exec(`ATTACH '${scratch}/content.sqlite' AS d`);
    return db.exec("SELECT DISTINCT typeof(hash), length(CAST(hash AS BLOB)) FROM d.objects")[0]!.values;
  } finally {
    db.close();
  }
}
