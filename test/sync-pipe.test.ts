/**
 * The linked realm over its real channel (sync-pipe.ts), across threads as in the page: the script in a worker
 * thread that blocks on a SharedArrayBuffer, the engine in this thread answering without blocking its event loop.
 * A run through it is the direct run, with a buffer so small that every request and answer goes in many chunks;
 * bytes that are not a request end the run with one error; a realm that stops answering is ended at the limit.
 */
import { describe, expect, it } from "vitest";
import type { ScenarioResult } from "../src/runner/run-scenario.ts";
import { replayedRun, type ScriptRealm } from "../src/worker/replayed-run.ts";
import { run, script, sqlReady } from "./helpers.ts";
import { threadRealm } from "./threads/thread-realm.ts";

const essentials = (r: ScenarioResult) => ({ ok: r.ok, error: r.error, traceHash: r.traceHash, events: r.events, logs: r.logs, state: r.state, disk: r.disk });

/** The runs of the last linked() that started again after a failed speculation (engine-link.ts settleHere()). */
let restarts = 0;

async function linked(text: string, realm: ScriptRealm, timeLimitMs?: number, speculating = false): Promise<ScenarioResult> {
  restarts = 0;
  const speculation = speculating ? { onRestart: () => restarts++ } : {};
  return replayedRun(text, { sql: await sqlReady, realm, ...(timeLimitMs === undefined ? {} : { timeLimitMs }), ...speculation }).result;
}

describe("a linked run over the shared buffer, across threads", () => {
  it.each(["playground-scripts/first.ts", "playground-scripts/t0090-content-enospc.ts", "playground-scripts/lessons/09-runbook.solution.ts"])("is the direct run: %s", async (path) => {
    const text = script(path);
    const direct = await run(text, { retainTrace: false });
    expect(essentials(await linked(text, threadRealm()))).toEqual(essentials(direct));
  }, 60_000);

  it("is the direct run with values much larger than the buffer (every message in chunks)", async () => {
    const text = [
      "await flux.start();",
      "const big = bytes(200_000);",
      "await kvs.put('big', big);",
      "const back = await kvs.get('big', 'bytes');",
      "log(back.length, back[199_999] === big[199_999], disk.files().length, flux.dmesg().length > 0);",
      "await flux.shutdown();",
    ].join("\n");
    const direct = await run(text, { retainTrace: false });
    expect(direct.ok).toBe(true);
    expect(essentials(await linked(text, threadRealm(64)))).toEqual(essentials(direct));
  }, 60_000);

  it("a realm that never waits again is ended at the time limit plus a second, with what it asked before", async () => {
    const text = "await flux.start();\nlog('started');\nfor (;;) {}";
    const started = performance.now();
    const r = await linked(text, threadRealm(), 200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    expect(r.cutShort).toBe(true);
    expect(r.error?.message).toMatch(/the page's run limit; raise it with/);
    expect(r.logs).toEqual(["started"]);
  }, 30_000);

  it.each(["for (;;) log('again');", "for (;;) disk.used;"])("a script that talks without ever waiting is ended at the time limit plus a second: %s", async (loop) => {
    const started = performance.now();
    const r = await linked(`await flux.start();\n${loop}`, threadRealm(), 300);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1300);
    expect(r.cutShort).toBe(true);
    expect(r.error?.message).toMatch(/never awaited the simulation/);
  }, 30_000);
});

describe("a linked run whose realm settles puts itself, across threads", () => {
  it("is the direct run: a loop of puts, some of whose outcomes it reads, in a buffer small enough to chunk every message", async () => {
    const text = [
      "await flux.start();",
      "for (let i = 0; i < 700; i++) {",
      "  const r = await kvs.put('k' + (i % 9) + '.v' + i, bytes(200));",
      "  if (i % 100 === 0) log(i, r.sequence, r.rootref.length);",
      "}",
      "await sim.settle();",
      "log(JSON.stringify(await kvs.getroot()));",
    ].join("\n");
    const direct = await run(text, { retainTrace: false });
    expect(direct.logs).toHaveLength(8);
    expect(essentials(await linked(text, threadRealm(512), undefined, true))).toEqual(essentials(direct));
    expect(restarts).toBe(0);
  }, 60_000);

  it("a loop of awaited puts that never ends is ended at the time limit by the realm's own driver", async () => {
    const r = await linked("await flux.start();\nfor (let i = 0; ; i++) await kvs.put('k' + i, 1);", threadRealm(), 300, true);
    expect(r.cutShort).toBe(true);
    expect(r.error?.message).toMatch(/^stopped after 0.3 s of wall-clock time/);
    expect(r.error?.message).not.toMatch(/never awaited/);
    expect(restarts).toBe(0);
  }, 30_000);
});
