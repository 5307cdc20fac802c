/**
 * Issue 22's threat model as attacks on the built page, through the scenario text a link carries, on either of the
 * page's paths (attacks.test.ts: a cross-origin isolated page, whose scripts run in realms without an engine;
 * attacks-not-isolated.test.ts: a page that is not, whose realms run their own engine and send an op log). Those
 * that succeeded before the script ran in a realm of its own must fail: a forged verdict (a fake result posted, a
 * wrapped postMessage, a patched Math.imul or hash), a Compare answered by the script, a file the script named in the
 * Files menu, a later run tampered with through onmessage or the built-ins, a flood of messages after the run, a log
 * of huge lines, 512 MiB kept after the run, Stop during a busy loop, a loop that talks to the engine and never
 * waits. The walls that held must hold: the network and storage (the global object is the built-ins only: its
 * names are the allowlist), markup stays text.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { BUILT_INS, INERT_CONSTANTS } from "../../src/worker/script-realm.ts";
import { run } from "../helpers.ts";
import { setScenario } from "./launch.ts";
import { page, problems, servePagePerFile } from "./page-per-file.ts";

const consoleText = async (p: Page = page) => (await p.textContent('[data-testid="console"]')) ?? "";
const traceHash = async (p: Page = page) => (await p.textContent('[data-testid="trace-hash"]')) ?? "";

/** Run `text` in the page and wait for its end (up to `timeout` ms); the page's trace hash and console. */
async function runInPage(text: string, timeout = 30_000): Promise<{ hash: string; console: string }> {
  await setScenario(page, text);
  const runs = Number(await page.getAttribute('[data-testid="trace-hash"]', "data-runs"));
  await page.keyboard.press("Control+Enter");
  // (attached, not visible: a run with no trace hash shows none)
  await page.waitForSelector(`[data-testid="trace-hash"][data-runs="${runs + 1}"]`, { state: "attached", timeout });
  return { hash: await traceHash(), console: await consoleText() };
}

/** The most ArrayBuffer memory any of the page's workers holds (DevTools' backingStorageSize), in bytes; Infinity if one did not answer. */
async function largestWorkerBuffers(): Promise<number> {
  const cdp = await page.context().browser()!.newBrowserCDPSession();
  try {
    const { targetInfos } = (await cdp.send("Target.getTargets")) as { targetInfos: { targetId: string; type: string }[] };
    let largest = 0;
    for (const { targetId } of targetInfos.filter((target) => target.type === "worker")) {
      // playwright's CDP session cannot route by sessionId, so the worker is reached through the older message wrapping
      const { sessionId } = (await cdp.send("Target.attachToTarget", { targetId, flatten: false })) as { sessionId: string };
      const answered = new Promise<string>((resolve) =>
        cdp.on("Target.receivedMessageFromTarget", (m: { sessionId: string; message: string }) => m.sessionId === sessionId && m.message.startsWith('{"id":1,') && resolve(m.message)));
      await cdp.send("Target.sendMessageToTarget", { sessionId, message: JSON.stringify({ id: 1, method: "Runtime.getHeapUsage" }) });
      // a worker that ends (or is still booting) while asked never answers: this reading is then unknown, not 0
      const reply = await Promise.race([answered, new Promise<undefined>((resolve) => setTimeout(resolve, 3_000))]);
      if (reply === undefined) return Infinity;
      const usage = JSON.parse(reply) as { result?: { backingStorageSize?: number } };
      largest = Math.max(largest, usage.result?.backingStorageSize ?? 0);
      await cdp.send("Target.detachFromTarget", { sessionId }).catch(() => undefined); // a worker that ended meanwhile
    }
    return largest;
  } finally {
    await cdp.detach();
  }
}

/** A script's part that does nothing to the instance: its trace is that of an honest one-put run. */
const HONEST = `await flux.start();\nawait kvs.put("a", 1, { sync: true });\nlog("honest part done");\n`;

/** The attacks, against a page served so (launch.ts servePage): call at the top of a test file. */
export function attackSuite({ isolated }: { isolated: boolean }): void {
  servePagePerFile(isolated ? ".tmp/dist-attacks" : ".tmp/dist-attacks-not-isolated", { isolated });

  it(`the page is ${isolated ? "" : "not "}cross-origin isolated`, async () => {
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(isolated);
  });

  describe("the verdict cannot be forged", () => {
    it("a result the script posts itself, a wrapped postMessage, a patched Math.imul: the page shows the engine's hash", async () => {
      const forged = `const fake = { type: "end", id: 1, result: { ok: true, logs: ["forged"], traceHash: "0123456789abcdef", events: 1, disk: { quota: 1, used: 0 }, state: "run", policy: "upstream", seed: 1 }, ms: 1 };
for (const id of [1, 2, 3, 4, 5, 6, 7, 8]) { try { (self as any).postMessage({ ...fake, id }); } catch (e) { log("postMessage: " + (e as Error).message); } }
try { const post = (self as any).postMessage; (self as any).postMessage = (m: any, ...r: any[]) => post.call(self, { ...m, result: { ...m.result, traceHash: "0123456789abcdef" } }, ...r); } catch (e) { log("wrap: " + (e as Error).message); }
${HONEST}`;
      // headless, the same text reaches no postMessage either: the page must show exactly that run's hash
      const headless = await run(forged);
      const { hash, console } = await runInPage(forged);
      expect(hash).toBe(headless.traceHash);
      expect(console).not.toContain("forged");
      expect(console).toContain("honest part done");
    });

    if (isolated) {
      it("a script that patches Math.imul (the trace hash's own step) changes only its realm: the engine's hash is the honest run's", async () => {
        // (the honest text on the same lines: a call's line is part of its trace event)
        const honest = await runInPage(`void 0;\n${HONEST}`);
        const patched = await runInPage(`Math.imul = () => 0;\n${HONEST}`);
        expect(patched.hash).toBe(honest.hash);
        expect(patched.console).toContain("honest part done");
      });
    } else {
      it("a script that patches Math.imul (the trace hash's own step, in its realm's engine) gets one error and no hash at all", async () => {
        const { hash } = await runInPage(`Math.imul = () => 0;\n${HONEST}`);
        expect(hash).toBe("");
        await expect.poll(() => page.textContent('[data-testid="run-error"]')).toMatch(/the script changed the realm it ran in/);
      });
    }

    it("Compare is the engine's: a script cannot answer it", async () => {
      const text = `try { (self as any).postMessage({ type: "compare-result", id: 1, outcomes: [], runs: {} }); } catch {}\nscenario({ disk: "256 KiB" });\nawait flux.start();\ndisk.fill();\nawait kvs.put("k", bytes(50000), { sync: true }).catch(() => {});\n`;
      await setScenario(page, text);
      await page.click('[data-testid="compare"]');
      await page.waitForSelector('[data-testid="compare-table"]', { timeout: 60_000 });
      const table = (await page.textContent('[data-testid="compare-table"]')) ?? "";
      expect(table).toContain("ENOSPC");
    }, 90_000);
  });

  describe("later runs are the reader's", () => {
    it("a script that patches built-ins and onmessage leaves the next run untouched", async () => {
      const clean = await runInPage(HONEST);
      await runInPage(`(self as any).onmessage = () => {};\nArray.prototype.push = function () { return 0; };\nJSON.stringify = () => "{}";\nObject.prototype.toString = () => "tampered";\nlog("patched");`);
      const after = await runInPage(HONEST);
      expect(after.hash).toBe(clean.hash);
      expect(after.console).not.toContain("tampered");
    });
  });

  describe("the page stays usable", () => {
    it("150 lines of 2 MB: each line is cut, the console says how much, and Run works again", async () => {
      const { console } = await runInPage(`for (let i = 0; i < 150; i++) log("x".repeat(2_000_000));\nlog("after the flood");`);
      expect(console).toContain("more characters)");
      expect(console).toContain("after the flood");
      await expect.poll(() => page.isEnabled('[data-testid="run"]')).toBe(true);
    }, 60_000);

    it("Stop during a busy loop ends the run at once, with what it had sent", async () => {
      await setScenario(page, `await flux.start();\nlog("before the loop");\nawait sim.advance(1);\nwhile (true) {}\n`);
      await page.keyboard.press("Control+Enter");
      await page.waitForTimeout(1_500); // the loop has begun (its lines reach the console only once the run ends: a wait, not a read)
      await page.click('[data-testid="stop"]');
      // (how soon is a speed, which npm run bench measures; a test on a loaded machine only waits for it)
      await page.waitForSelector('[data-testid="run-error"]:has-text("stopped")', { timeout: 15_000 });
      await expect.poll(() => page.isEnabled('[data-testid="run"]')).toBe(true);
    }, 30_000);

    it("Stop during a loop that reads the instance without ever waiting ends the run at once", async () => {
      await setScenario(page, `await flux.start();\nlet reads = 0;\nwhile (true) reads += disk.used > 0 ? 1 : 0;\n`);
      await page.keyboard.press("Control+Enter");
      await page.waitForTimeout(1_500); // the loop has begun
      await page.click('[data-testid="stop"]');
      await page.waitForSelector('[data-testid="run-error"]:has-text("stopped")', { timeout: 15_000 });
      await expect.poll(() => page.isEnabled('[data-testid="run"]')).toBe(true);
    }, 30_000);

    it("a loop that logs and reads without ever waiting is ended at the run limit plus a second, and Run works again", async () => {
      await runInPage(`scenario({ limit: 1 });\nawait flux.start();\nfor (;;) log(disk.used);\n`);
      await expect.poll(() => page.textContent('[data-testid="run-error"]')).toMatch(/stopped after 1 s of wall-clock time, .*never awaited the simulation/);
      await expect.poll(() => page.isEnabled('[data-testid="run"]')).toBe(true);
    }, 60_000);

    it("512 MiB allocated in a run is given back when the run ends, cut by the time limit or by itself (its worker is gone)", async () => {
      // Not the attack's 2 GB: on these VMs every first touch of a page costs ~17 µs (a run that allocated 2 GB took
      // 9.2 s here, 512 MiB 2.8 s), so 2 GB was cut by the 10 s run limit on a loaded CI machine.
      const allocate = `const keep: Uint8Array[] = [];\nfor (let i = 0; i < 4; i++) { const block = new Uint8Array(128 * 1024 * 1024); for (let at = 0; at < block.length; at += 4096) block[at] = 1; keep.push(block); }\nlog("held " + keep.length * 128 + " MiB");\n`;
      const MiB = 1024 * 1024;
      // a run that holds it until its limit cuts it: the measure sees the scenario worker's buffers meanwhile (the
      // limits are set far above what the allocation takes, so that neither run depends on the machine's speed)
      await setScenario(page, `scenario({ limit: 20 });\n${allocate}await flux.start();\nwhile (true) await sim.advance(1000);\n`);
      await page.keyboard.press("Control+Enter");
      await expect.poll(largestWorkerBuffers, { timeout: 30_000 }).toBeGreaterThanOrEqual(512 * MiB);
      await page.waitForSelector('[data-testid="run-error"]:has-text("stopped after 20 s of wall-clock time, the page\'s run limit")', { timeout: 60_000 });
      await expect.poll(largestWorkerBuffers, { timeout: 30_000 }).toBeLessThan(100 * MiB);
      // a run that ends by itself gives it back too
      await runInPage(`scenario({ limit: 120 });\n${allocate}`, 130_000);
      expect(await consoleText()).toContain("held 512 MiB");
      await expect.poll(largestWorkerBuffers, { timeout: 30_000 }).toBeLessThan(100 * MiB);
      const after = await runInPage(HONEST);
      expect(after.console).toContain("honest part done");
    }, 300_000);
  });

  describe("what a scenario can reach", () => {
    it("its global names are exactly the allowed built-ins", async () => {
      const { console } = await runInPage(`const names = new Set<string>();\nfor (let o: any = globalThis; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) for (const k of Reflect.ownKeys(o)) names.add(String(k));\nlog("NAMES " + JSON.stringify([...names].sort()));`);
      const names = JSON.parse(/NAMES (\[.*\])/.exec(console)![1]!) as string[];
      expect(names.length).toBeGreaterThan(40);
      expect(names.filter((name) => !BUILT_INS.includes(name) && !INERT_CONSTANTS.includes(name))).toEqual([]);
    });

    it("the network, storage of every kind and other workers are not there; import() of another origin is refused", async () => {
      const hits: string[] = [];
      const other = createServer((req, res) => {
        hits.push(req.url ?? "");
        res.writeHead(200, { "content-type": "text/javascript", "access-control-allow-origin": "*" }).end("export {};");
      });
      await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", resolve));
      const origin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
      const g = "(globalThis as any)";
      const attempts: Record<string, string> = {
        fetch: `${g}.fetch("/")`,
        XMLHttpRequest: `new ${g}.XMLHttpRequest()`,
        WebSocket: `new ${g}.WebSocket("${origin.replace("http", "ws")}/")`,
        indexedDB: `${g}.indexedDB.open("x")`,
        caches: `${g}.caches.open("x")`,
        storageBuckets: `${g}.navigator.storageBuckets.open("x")`,
        OPFS: `${g}.navigator.storage.getDirectory()`,
        fonts: `${g}.fonts.add(null)`,
        BroadcastChannel: `new ${g}.BroadcastChannel("x")`,
        locks: `${g}.navigator.locks.request("x", () => 1)`,
        Worker: `new ${g}.Worker("/x.js")`,
        importScripts: `${g}.importScripts("/x.js")`,
        "import() of another origin": `import("${origin}/x.js")`,
      };
      // a refused import() of a data: or blob: URL may never settle: it is not awaited, only watched
      const imports = { "import() of a data: URL": `import("data:text/javascript,export default 1")`, "import() of a blob: URL": `import("blob:http://127.0.0.1/00000000-0000-0000-0000-000000000000")` };
      const text = `${Object.entries(attempts)
        .map(([name, code]) => `try { await (async () => ${code})(); log(${JSON.stringify(name)} + ": REACHED"); } catch { log(${JSON.stringify(name)} + ": refused"); }`)
        .join("\n")}\n${Object.entries(imports)
        .map(([name, code]) => `try { void (${code}).then(() => log(${JSON.stringify(name)} + ": REACHED"), () => {}); } catch {}`)
        .join("\n")}\nawait flux.start();\nawait kvs.put("still", "works", { sync: true });\nlog("the API works");`;
      const { console } = await runInPage(text);
      expect(console).toContain("the API works");
      expect(console).not.toContain("REACHED");
      for (const name of Object.keys(attempts)) expect(console).toContain(`${name}: refused`);
      expect(hits).toEqual([]);
      other.close();
    });

    it("markup in a log line is shown as text", async () => {
      const { console } = await runInPage(`log("<img src=x onerror=alert(1)><b>bold</b>");`);
      expect(console).toContain("<img src=x onerror=alert(1)><b>bold</b>");
      expect(await page.locator('[data-testid="console"] img, [data-testid="console"] b').count()).toBe(0);
    });

    it("nothing reached the page's console but the policy's own refusals", () => {
      expect(problems.filter((p) => !/Content Security Policy|Refused to/.test(p))).toEqual([]);
    });
  });
}
