/**
 * One workload of `npm run bench:instructions`, run once in this process.
 * bench/instructions.mjs runs it under valgrind's callgrind with counting off
 * and INSTRUCTIONS_COUNTING=1; the workload turns counting on only around the
 * parts it measures and dumps each part's count under its label, so neither
 * node's start-up nor a workload's preparation is in a figure.
 *
 *   node --import tsx bench/instructions-workload.ts WORKLOAD   (without valgrind: runs it, counts nothing)
 *
 * - t0090: t0090-content-enospc.ts on an 8 MiB statedir (jobs one at a time until dmesg shows ENOSPC),
 *   then (t0090-floor) that run's floor as `npm run bench` has it: raw inserts of the rows it stored
 *   over the quota FS, then hashing and LZ4 of its blobs. About 4 minutes under valgrind;
 * - bench-t0090: `npm run bench`'s first t0090 round on 64 MiB and its floor, after the phases the bench
 *   runs before them (warm-up, puts and their floor, synced puts, the 64 MiB fill, async commits: the
 *   JIT's and the heap's state the bench measures in). About 40 minutes under valgrind;
 * - concurrent-jobs: the bench's concurrent_jobs_s, 40 jobs at once on 4 MiB, three rounds one after another
 *   (concurrent-jobs-1 is the first, cold, run; -2 and -3 the JIT-warm ones the bench's median comes from);
 * - log-flood: the bench's log_lines_per_s, 200,000 log() lines in the CLI's worker thread (the worker's start
 *   included); log-flood-empty: the same worker running a script of one line. Their difference is the flood's own
 *   cost. Each in a process of its own: valgrind has room for one WebAssembly memory, so this process loads no
 *   sql.js and runs one worker.
 */
import { execFileSync } from "node:child_process";
import { loadSqlJs } from "../src/engine/disk/sqljs-node.ts";
import type { SqlJsWithFS } from "../src/engine/disk/sqljs-patch.ts";
import { runScenario } from "../src/runner/run-scenario.ts";
import { runScenarioInWorker } from "../src/runner/node-runner.ts";
import { asyncCommitsText, concurrentJobsText, fillText, floodText, fluxWorkMs, putsText, rawInsertMs, type Row, storedRows, syncedText, t0090Text } from "./workloads.ts";

const counting = process.env.INSTRUCTIONS_COUNTING === "1";

function callgrind(...args: string[]): void {
  execFileSync("callgrind_control", [...args, String(process.pid)], { stdio: "ignore" });
}

/** Run `part` with callgrind counting, and dump its count as `label` (callgrind_control blocks us until each is done). */
async function measured<T>(label: string, part: () => T | Promise<T>): Promise<T> {
  countInstructions(true);
  const result = await part();
  countInstructions(false);
  if (counting) callgrind(`--dump=${label}`);
  return result;
}

let countingNow = false;
function countInstructions(on: boolean): void {
  if (counting && on !== countingNow) callgrind(`--instr=${on ? "on" : "off"}`);
  countingNow = on;
}

/** `part` left out of the count it may run inside (reading back what a run stored is the bench's work, not the run's). */
function unmeasured<T>(part: () => T): T {
  const was = countingNow;
  countInstructions(false);
  const result = part();
  countInstructions(was);
  return result;
}

/** Run a scenario to its end; its last log line, and the rows content-sqlite stored if asked. */
async function run(sql: SqlJsWithFS, text: string, keepRows = false): Promise<{ last: string; rows: Row[] }> {
  let rows: Row[] = [];
  const result = await runScenario(text, { sql, retainTrace: false, ...(keepRows ? { beforeDispose: (sim) => (rows = unmeasured(() => storedRows(sql, sim.broker.disk.snapshot()))) } : {}) });
  if (!result.ok) throw new Error(`instructions-workload: the scenario failed: ${result.error?.message}`);
  return { last: result.logs.at(-1)!, rows };
}

const jobsOf = (last: string) => (JSON.parse(last) as { jobs: number }).jobs;

/** A t0090 run (measured as `label`) and then its floor (measured as `label`-floor), as one bench round has them. */
async function t0090Round(sql: SqlJsWithFS, quotaMib: number, label: string): Promise<string> {
  const { last, rows } = await measured(label, () => run(sql, t0090Text(quotaMib), true));
  await measured(`${label}-floor`, () => rawInsertMs(sql, rows) + fluxWorkMs(rows));
  return `${label}: ${jobsOf(last)} jobs on ${quotaMib} MiB, ${rows.length} rows stored`;
}

/** What `npm run bench` runs before its t0090 rounds (engine-bench.ts), none of it measured. */
async function benchPrefix(sql: SqlJsWithFS): Promise<void> {
  await run(sql, putsText(1000));
  const { rows } = await run(sql, putsText(5000), true);
  for (let i = 0; i < 3; i++) rawInsertMs(sql, rows);
  fluxWorkMs(rows);
  await run(sql, syncedText(300));
  await run(sql, fillText(64));
  for (let i = 0; i < 3; i++) await run(sql, asyncCommitsText(2000));
}

/** The bench's rounds of 40 jobs at once on 4 MiB, each measured on its own. */
async function concurrentJobs(sql: SqlJsWithFS): Promise<string> {
  const dirty = [];
  for (const round of [1, 2, 3]) dirty.push((JSON.parse((await measured(`concurrent-jobs-${round}`, () => run(sql, concurrentJobsText(40, 4)))).last) as { dirty: number }).dirty);
  return `concurrent-jobs: ${dirty.join(", ")} dirty after each round`;
}

/** A script of `lines` log() lines in the CLI's worker thread, measured as `label` from the worker's start to its result. */
async function flood(label: string, lines: number): Promise<number> {
  const result = await measured(label, () => runScenarioInWorker(floodText(lines), { timeoutMs: 3_600_000, onLogs: () => {} }));
  if (!result.ok || result.logs.length !== lines + 1) throw new Error(`instructions-workload: the flood did not arrive whole: ${result.logs.length} lines, ${result.error?.message ?? "ok"}`);
  return lines;
}

/** Each workload loads sql.js itself: log-flood's do not (their worker does). */
const WORKLOADS: Record<string, () => Promise<string>> = {
  t0090: async () => t0090Round(await loadSqlJs(), 8, "t0090"),
  "bench-t0090": async () => {
    const sql = await loadSqlJs();
    await benchPrefix(sql);
    return t0090Round(sql, 64, "bench-t0090");
  },
  "concurrent-jobs": async () => concurrentJobs(await loadSqlJs()),
  "log-flood": async () => `log-flood: ${await flood("log-flood", 200_000)} lines`,
  "log-flood-empty": async () => `log-flood-empty: ${await flood("log-flood-empty", 0)} lines`,
};

const name = process.argv[2] ?? "";
const workload = WORKLOADS[name];
if (!workload) {
  console.error(`instructions-workload: unknown workload "${name}"; one of: ${Object.keys(WORKLOADS).join(", ")}`);
  process.exit(2);
}
console.log(await workload());
