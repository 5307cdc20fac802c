/**
 * node --import tsx bench/lockstep-port.ts: what a script realm without an engine of its own would need (issue 22,
 * docs/performance.md "Why that redesign is blocked"). Such a realm would send each call to the page's warm engine
 * and get its answers back over a port, in lockstep: the engine drives the simulation while the script waits, the
 * script runs while the engine waits. Printed as one JSON line:
 * - per scenario (playground-scripts/first.ts, the page bench's big run): `drive_steps`, how many times the runner
 *   let the simulation run until something answered (one round trip each in lockstep), and `sync_answers`, the
 *   calls whose answer the script gets at once, not as a promise (a value or a throw, by call): those a realm
 *   without the engine cannot give without blocking on it (Atomics.wait, only where the page is cross-origin
 *   isolated);
 * - `port_round_trip_us`: a message and its answer between a worker and a worker it started, over a
 *   MessageChannel, in Chromium (medians of 3 batches of 3 000, by the message's size in characters);
 * - `isolated`: whether a page served with no headers (bench/isolated/, by a plain static server) is cross-origin
 *   isolated once its service worker adds COOP and COEP, and `sync_call_us`: then, a call that blocks
 *   (`Atomics.wait`) until the worker it started answers through a SharedArrayBuffer, as a realm without an engine
 *   would call the engine's worker (median of 3 batches of 10 000).
 */
import { readFileSync } from "node:fs";
import { loadSqlJs } from "../src/engine/disk/sqljs-node.ts";
import type { SqlJsWithFS } from "../src/engine/disk/sqljs-patch.ts";
import { runScenario } from "../src/runner/run-scenario.ts";
import type { LogEntry } from "../src/engine/api/op-log.ts";
import { launchChromium } from "../test/browser/launch.ts";
import { serveStatic } from "../test/browser/static-server.ts";
import { median } from "./median.ts";
import { BIG_RUN } from "./workloads.ts";

const SCENARIOS = { "first.ts": readFileSync(new URL("../playground-scripts/first.ts", import.meta.url), "utf8"), big_run: BIG_RUN };
const PAYLOAD_CHARS = [0, 200, 4000];

async function stepsOf(text: string, sql: SqlJsWithFS) {
  let driveSteps = 0;
  const syncAnswers: Record<string, number> = {};
  const record = (entry: LogEntry) => {
    if (entry.kind === "drive") driveSteps++;
    else if (entry.kind === "op" && !("promise" in entry.outcome)) syncAnswers[entry.op.op] = (syncAnswers[entry.op.op] ?? 0) + 1;
  };
  const result = await runScenario(text, { sql, record });
  return { events: result.events, drive_steps: driveSteps, sync_answers: syncAnswers };
}

/** Runs in the page: a worker starts a worker and times round trips to it over a MessageChannel. */
const ROUND_TRIPS = `
  const inner = "onmessage = (e) => { const port = e.ports[0]; port.onmessage = (m) => port.postMessage(m.data); };";
  const outer = \`onmessage = async (e) => {
    const w = new Worker(e.data.innerUrl);
    const channel = new MessageChannel();
    w.postMessage(null, [channel.port2]);
    const port = channel.port1;
    const once = (msg) => new Promise((answered) => { port.onmessage = (m) => answered(m.data); port.postMessage(msg); });
    for (let i = 0; i < 300; i++) await once({ i }); // warm both sides
    const out = {};
    for (const chars of e.data.sizes) {
      const message = { answers: [{ id: 1, value: 42 }], snapshot: { used: 123456, free: 999, state: "running", text: "x".repeat(chars) } };
      out[chars] = [];
      for (let batch = 0; batch < 3; batch++) {
        const t0 = performance.now();
        for (let i = 0; i < 3000; i++) await once(message);
        out[chars].push((performance.now() - t0) / 3000 * 1000);
      }
    }
    postMessage(out);
  };\`;
  const url = (text) => URL.createObjectURL(new Blob([text], { type: "text/javascript" }));
  const w = new Worker(url(outer));
  new Promise((done) => { w.onmessage = (m) => done(m.data); w.postMessage({ innerUrl: url(inner), sizes: SIZES }); });
`;

/** Runs in the isolated page: a worker starts a worker and calls it synchronously, n times per batch. */
const SYNC_CALLS = `
  const inner = "onmessage = (e) => { const s = new Int32Array(e.data); postMessage('up'); for (;;) { Atomics.wait(s, 0, 0); s[1] += 1; Atomics.store(s, 0, 0); Atomics.notify(s, 0); } };";
  const outer = \`onmessage = async (e) => {
    const shared = new SharedArrayBuffer(8);
    const s = new Int32Array(shared);
    const w = new Worker(e.data.innerUrl);
    await new Promise((up) => { w.onmessage = up; w.postMessage(shared); }); // a worker's own workers start only while it is not blocked
    const call = (x) => { s[1] = x; Atomics.store(s, 0, 1); Atomics.notify(s, 0); while (Atomics.load(s, 0) === 1) Atomics.wait(s, 0, 1); return s[1]; };
    for (let i = 0; i < 1000; i++) call(i); // warm both sides
    const batches = [];
    for (let batch = 0; batch < 3; batch++) {
      const t0 = performance.now();
      for (let i = 0; i < 10000; i++) if (call(i) !== i + 1) throw new Error("a wrong answer");
      batches.push((performance.now() - t0) / 10000 * 1000);
    }
    postMessage(batches);
  };\`;
  const url = (text) => URL.createObjectURL(new Blob([text], { type: "text/javascript" }));
  const w = new Worker(url(outer));
  new Promise((done, failed) => { w.onmessage = (m) => done(m.data); w.onerror = (e) => failed(new Error(e.message)); w.postMessage({ innerUrl: url(inner) }); });
`;

async function syncCallUs(browser: Awaited<ReturnType<typeof launchChromium>>): Promise<{ isolated: boolean; sync_call_us?: number }> {
  const { url, server } = await serveStatic(new URL("./isolated/", import.meta.url).pathname, "/");
  try {
    const page = await browser.newPage();
    await page.goto(url);
    const isolated = await page.waitForFunction(() => document.title === "isolated", null, { timeout: 15_000 }).then(() => true, () => false);
    if (!isolated) return { isolated };
    const batches = (await page.evaluate(SYNC_CALLS)) as number[];
    return { isolated, sync_call_us: +median(batches).toFixed(2) };
  } finally {
    server.close();
  }
}

const sql = await loadSqlJs();
const scenarios: Record<string, unknown> = {};
for (const [name, text] of Object.entries(SCENARIOS)) scenarios[name] = await stepsOf(text, sql);
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  const batches = (await page.evaluate(ROUND_TRIPS.replace("SIZES", JSON.stringify(PAYLOAD_CHARS)))) as Record<string, number[]>;
  const roundTrip = Object.fromEntries(Object.entries(batches).map(([chars, us]) => [chars, +median(us).toFixed(1)]));
  console.log(JSON.stringify({ scenarios, port_round_trip_us: roundTrip, ...(await syncCallUs(browser)) }));
} finally {
  await browser.close();
}
