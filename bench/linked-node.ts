/**
 * npm run bench:linked: the page bench's big run in Node, run directly and through a linked realm (a worker thread
 * without an engine, over the real SharedArrayBuffer channel, as in an isolated page and test/sync-pipe.test.ts), so
 * that the link's own cost can be told from the browser's (docs/performance.md, issue 22). One JSON line:
 * `direct_ms` (each run after the first, warm), `linked_ms` (each run, timed from the realm's first request, so the
 * thread's start and its tsx are left out), `requests` per linked run, and both paths' trace hashes (they must agree).
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
const linked: number[] = [];
const counted = new Set<number>();
for (let i = 0; i < RUNS; i++) {
  requests = 0;
  const r = await replayedRun(BIG_RUN, { sql, realm: countedRealm }).result;
  linked.push(Math.round(performance.now() - firstRequestAt));
  counted.add(requests);
  hashes.add(`linked ${r.traceHash}`);
}
console.log(JSON.stringify({ direct_ms: direct, linked_ms: linked, requests: [...counted], hashes: [...hashes] }));
