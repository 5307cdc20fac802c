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
 *   JIT's and the heap's state the bench measures in). About 40 minutes under valgrind.
 */
import { execFileSync } from "node:child_process";
import { loadSqlJs } from "../src/engine/disk/sqljs-node.ts";
import type { SqlJsWithFS } from "../src/engine/disk/sqljs-patch.ts";
import { runScenario } from "../src/runner/run-scenario.ts";
import { asyncCommitsText, fillText, fluxWorkMs, putsText, rawInsertMs, type Row, storedRows, syncedText, t0090Text } from "./workloads.ts";

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

const WORKLOADS: Record<string, (sql: SqlJsWithFS) => Promise<string>> = {
  t0090: (sql) => t0090Round(sql, 8, "t0090"),
  "bench-t0090": async (sql) => {
    await benchPrefix(sql);
    return t0090Round(sql, 64, "bench-t0090");
  },
};

const name = process.argv[2] ?? "";
const workload = WORKLOADS[name];
if (!workload) {
  console.error(`instructions-workload: unknown workload "${name}"; one of: ${Object.keys(WORKLOADS).join(", ")}`);
  process.exit(2);
}
console.log(await workload(await loadSqlJs()));
