/**
 * A system instance's dump through the built page (issue 18): a clean stop's rc3 writes dump/<ts>.tgz, the stack
 * names the instance kind and draws the dumps in their own colour, and Files offers the dump for download: a gzip
 * tar that GNU tar lists, byte for byte what the engine wrote for the same script run in Node.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { run } from "../helpers.ts";
import { runWithKeyboard, setScenario } from "./launch.ts";
import { page, problems, servePagePerFile } from "./page-per-file.ts";

servePagePerFile(".tmp/dist-system-dump");

const DUMP = "dump/20261124_000000.tgz";
const SCRIPT = `scenario({ title: "A dump at a clean stop", instance: "system" });
await flux.start();
await kvs.put("greeting", "hello");
await kvs.put("photo", bytes(20_000, 1));
const { exitCode } = await flux.shutdown();
log("stopped, exit " + exitCode);
`;

/** The dump's bytes as the engine leaves them when the same script runs in Node. */
async function engineDump(): Promise<Uint8Array> {
  let bytes: Uint8Array | undefined;
  const r = await run(SCRIPT, { beforeDispose: (sim) => (bytes = sim.broker.disk.fs.readFile(sim.broker.disk.path(DUMP)).slice()) });
  expect(r.error?.message, r.logs.join("\n")).toBeUndefined();
  return bytes!;
}

describe("a system instance's dump in the page", () => {
  it("labels the stack, colours the dump in the gauge, and downloads it through Files as the engine wrote it", async () => {
    await setScenario(page, SCRIPT);
    await runWithKeyboard(page);
    await expect.poll(() => page.textContent('[data-testid="console-lines"]'), { timeout: 60_000 }).toContain("stopped, exit 42");
    await expect.poll(() => page.textContent('[data-testid="instance-kind"]'), { timeout: 30_000 }).toBe("system instance (systemd)");
    await expect.poll(() => page.textContent('[data-testid="legend-dumps"]'), { timeout: 30_000 }).toContain("dump/: 1 dump, RESTORE set");
    // the timeline chart's disk lane stacks the dump in the same colour, not among the other consumers
    const dumpAreaHeight = () => page.evaluate(() => (document.querySelector(".chart path.area.dump") as SVGPathElement | null)?.getBBox().height ?? 0);
    await expect.poll(dumpAreaHeight, { timeout: 30_000 }).toBeGreaterThan(0);

    await page.click('[data-testid="download"]');
    const item = page.locator(`[data-testid="download-file"][data-name="${DUMP}"]`);
    await item.waitFor({ timeout: 30_000 });
    const [download] = await Promise.all([page.waitForEvent("download", { timeout: 30_000 }), item.click()]);
    const dir = `.tmp/system-dump-${Date.now()}`;
    mkdirSync(dir, { recursive: true });
    const file = `${dir}/${download.suggestedFilename()}`;
    await download.saveAs(file);

    const downloaded = readFileSync(file);
    expect([...downloaded.subarray(0, 2)]).toEqual([0x1f, 0x8b]); // gzip's magic
    // one entry per key, the instance's own (resource, job-manager) beside the script's
    const listing = execFileSync("tar", ["-tzf", file], { encoding: "utf8" }).trim().split("\n");
    expect(listing[0]).toBe("greeting");
    expect(listing).toEqual(expect.arrayContaining(["photo", "resource/R", "checkpoint/job-manager"]));
    expect(new Uint8Array(downloaded)).toEqual(await engineDump());
    expect(problems).toEqual([]);
  });

  it("a test instance's stack says so", async () => {
    await setScenario(page, `await flux.start();\nlog("up");\n`);
    await runWithKeyboard(page);
    await expect.poll(() => page.textContent('[data-testid="console-lines"]'), { timeout: 60_000 }).toContain("up");
    await expect.poll(() => page.textContent('[data-testid="instance-kind"]'), { timeout: 30_000 }).toBe("test instance (flux start)");
  });
});
