/**
 * npm run bench:linked: the page bench's big run in Node, run directly and through a linked realm (a worker thread
 * without an engine, over the real SharedArrayBuffer channel, as in an isolated page and test/sync-pipe.test.ts), so
 * that the link's own cost can be told from the browser's (docs/performance.md, issue 22). One JSON line:
 * `direct_ms` (each run after the first, warm), `linked_ms` (each run, timed from the realm's first request, so the
 * thread's start and its tsx are left out; the realm settling puts itself, as in the page), `requests` per linked
 * run, `restarts` (runs started again after a put settled in the realm failed: 0), the same without the realm
 * settling any put (`unspeculated_ms`, `unspeculated_requests`), and all paths' trace hashes (they must agree).
 */
import { loadSqlJs } from "../src/engine/disk/sqljs-node.ts";
import { runScenario } from "../src/runner/run-scenario.ts";
import { replayedRun } from "../src/worker/replayed-run.ts";
import { threadRealm } from "../test/threads/thread-realm.ts";
import { BIG_RUN } from "./workloads.ts";

const RUNS = 5;
const sql = await loadSqlJs();

let firstRequestAt = 0;
let requests = 0;

/** A realm in a worker thread whose requests are counted, and the first one's time kept. */
const countedRealm = threadRealm(undefined, () => {
  if (requests++ === 0) firstRequestAt = performance.now();
});

const direct: number[] = [];
const hashes = new Set<string>();
for (let i = 0; i <= RUNS; i++) {
  const t0 = performance.now();
  const r = await runScenario(BIG_RUN, { sql });
  if (i > 0) direct.push(Math.round(performance.now() - t0));
  hashes.add(`direct ${r.traceHash}`);
}
let restarts = 0;
/** RUNS linked runs, alternating with and without speculation: each one's times and request counts. */
const both = { linked: { ms: [] as number[], requests: new Set<number>() }, unspeculated: { ms: [] as number[], requests: new Set<number>() } };
for (let i = 0; i < 2 * RUNS; i++) {
  const mode = i % 2 === 0 ? "linked" : "unspeculated";
  requests = 0;
  const r = await replayedRun(BIG_RUN, { sql, realm: countedRealm, ...(mode === "linked" ? { onRestart: () => restarts++ } : {}) }).result;
  both[mode].ms.push(Math.round(performance.now() - firstRequestAt));
  both[mode].requests.add(requests);
  hashes.add(`linked ${r.traceHash}`);
}
const { linked, unspeculated } = both;
console.log(JSON.stringify({ direct_ms: direct, linked_ms: linked.ms, requests: [...linked.requests], restarts, unspeculated_ms: unspeculated.ms, unspeculated_requests: [...unspeculated.requests], hashes: [...hashes] }));
