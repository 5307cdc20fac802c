/**
 * The page's Files → Export as flux-core test: the export runs in an engine worker and downloads the very test
 * `npm run export` writes; a script that cannot be exported says why, with its line, and downloads nothing.
 */
import { readFileSync, mkdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { exportScenario } from "../../src/export/export-scenario.ts";
import { sqlReady } from "../helpers.ts";
import { setScenario } from "./launch.ts";
import { page, problems, servePagePerFile } from "./page-per-file.ts";

servePagePerFile(".tmp/dist-export");

describe("export as a flux-core test", () => {
  it("downloads the test npm run export writes, and refuses an unexportable call by its line", async () => {
    const text = `scenario({ title: "Exported" });\nawait flux.start();\nawait kvs.put("a", "1", { sync: true });\nexpect(await kvs.get("a")).toBe("1");\n`;
    await setScenario(page, text);
    await page.click('[data-testid="download"]');
    const [download] = await Promise.all([page.waitForEvent("download", { timeout: 60_000 }), page.click('[data-testid="export-flux-test"]')]);
    expect(download.suggestedFilename()).toBe("t9999-Exported.t");
    const dir = `.tmp/export-${Date.now()}`;
    mkdirSync(dir, { recursive: true });
    await download.saveAs(`${dir}/t.t`);
    const node = await exportScenario(text, "Exported.ts", await sqlReady);
    expect(node.ok && readFileSync(`${dir}/t.t`, "utf8")).toBe(node.ok && node.test);

    await setScenario(page, `scenario({});\nawait flux.start();\ndisk.failNextWrite("EIO");\n`);
    await page.click('[data-testid="download"]');
    await page.click('[data-testid="export-flux-test"]');
    await expect.poll(() => page.textContent('[data-testid="notice"]'), { timeout: 60_000 }).toContain("Not exported: line 3: disk.failNextWrite()");
    expect(problems).toEqual([]);
  }, 120_000);
});
