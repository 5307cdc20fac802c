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
 *   MessageChannel, in Chromium (medians of 3 batches of 3 000, by the message's size in characters).
 */
import { readFileSync } from "node:fs";
import { loadSqlJs } from "../src/engine/disk/sqljs-node.ts";
import type { SqlJsWithFS } from "../src/engine/disk/sqljs-patch.ts";
import { runScenario } from "../src/runner/run-scenario.ts";
import type { LogEntry } from "../src/engine/api/op-log.ts";
import { launchChromium } from "../test/browser/launch.ts";
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

const sql = await loadSqlJs();
const scenarios: Record<string, unknown> = {};
for (const [name, text] of Object.entries(SCENARIOS)) scenarios[name] = await stepsOf(text, sql);
const browser = await launchChromium();
try {
  const page = await browser.newPage();
  const batches = (await page.evaluate(ROUND_TRIPS.replace("SIZES", JSON.stringify(PAYLOAD_CHARS)))) as Record<string, number[]>;
  const roundTrip = Object.fromEntries(Object.entries(batches).map(([chars, us]) => [chars, +median(us).toFixed(1)]));
  console.log(JSON.stringify({ scenarios, port_round_trip_us: roundTrip }));
} finally {
  await browser.close();
}
