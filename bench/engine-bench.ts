/**
 * npm run bench [-- --json]: the engine's speed and memory, measured through
 * the scenario API as users drive it.
 *
 * - puts_per_s: unsynced kvs puts of 1 KiB values to keys spread over
 *   directories as Flux spreads job ids (job.<dothex FLUID>.data), write-back
 *   included (the run waits until the cache is clean), after a warm-up run
 *   of 1 000 puts.
 * - synced_commits_per_s: kvs puts with FLUX_KVS_SYNC (flush + checkpoint each).
 * - overhead_ratio: the puts run's wall time divided by the time raw sql.js
 *   takes (median of 3 runs: one run varies by ±20 % here) to insert
 *   exactly the rows the engine stored (read back from the database in
 *   insertion order), with the same build, pragmas, one autocommit INSERT
 *   per blob as content-sqlite does, and the same quota FS.
 * - floor_ratio: what overhead_ratio would be for an engine that did
 *   nothing but those inserts plus the per-blob work Flux itself does before
 *   each one: hashing the blob (its blobref) and LZ4-compressing it
 *   (content-sqlite), timed on the same blobs with the engine's own
 *   functions. Encoding the directories (json_dumps in Flux) is not in it, so
 *   the real floor is higher still.
 * - fill_64mib_s: time to fill a 64 MiB statedir to ENOSPC with 64 KiB values.
 * - async_commits_s: 2000 one-key commits to one directory, all in flight at
 *   once (kvs.put promises awaited together), as flux-model.md §13 B timed
 *   real flux-core doing (0.31-0.38 s); the kvs merges them.
 * - t0090_64mib_s: jobs one at a time, 100 ms of virtual time apart, until a
 *   64 MiB statedir reports ENOSPC (t0090-content-enospc.ts on 64 MiB);
 *   t0090_jobs how many. floor_ms: raw inserts of the rows that run stored,
 *   plus hashing and LZ4 of the same blobs (as floor_ratio), and
 *   engine_over_floor the run's time over that floor. These two workloads
 *   run ROUNDS (3) times, each t0090 run followed at once by its floor, and
 *   report medians (engine_over_floor: the median of the rounds' ratios;
 *   `_all`: every round), since one run on a shared VM varies by ±30 %.
 * - concurrent_jobs_s: 40 jobs submitted at once on a 4 MiB statedir
 *   (jobs.submit(40, { atOnce: true }), 2 cores: `flux submit --cc=1-40`),
 *   from the submit to the last job's clean, the disk full after the first
 *   few; ROUNDS runs, the median (`_all`: every round).
 * - *_cpu_s, floor_cpu_ms, engine_over_floor_cpu: the same in this process's
 *   CPU time (user + system; a scenario's from the instance's creation, so
 *   flux.start() is in it), which the load of a shared VM inflates far less.
 * - log_lines_per_s: log() lines of a 200 000-line flood, in the CLI's worker
 *   thread with its batched reporting to the parent (timed by the script).
 * - check_seq_per_s: the design checker's sequences per second as `npm run check` runs them (upstream,
 *   CHECK_RUNS sequences, one thread per core, their start included); check_cpu_s: the CPU time of that
 *   (every thread's), check_threads: how many (issue 23's target: 1 000 sequences in 30 s, 33 /s).
 * - big_run_ms / big_run_recorded_ms: the page bench's big run (BIG_RUN: 2 150 puts, 55 688 trace events) in this
 *   process, without and with the page's Recorder (each chunk structured-cloned, as postMessage copies it out of
 *   the engine's worker and into the page), RECORD_ROUNDS pairs interleaved, medians; recording_cpu_ms: the median
 *   of the pairs' difference in CPU time, what recording adds to the engine's work (`_all`: every pair's).
 * - peak_heap_mb: the most JS heap + array buffers (MEMFS files, blobs) sampled
 *   every 20 ms while filling the 64 MiB disk, garbage not yet collected
 *   included (heap_per_quota relates it to the quota); live_heap_mb: what is
 *   still live after a full GC at the end of the fill.
 */
import { loadSqlJs } from "../src/engine/disk/sqljs-node.ts";
import type { SqlJsWithFS } from "../src/engine/disk/sqljs-patch.ts";
import { runScenario } from "../src/runner/run-scenario.ts";
import { runScenarioInWorker } from "../src/runner/node-runner.ts";
import { median } from "./median.ts";
import { DesignChecker } from "../src/checker/check-design.ts";
import { CheckThreads, defaultThreads } from "../src/checker/check-threads.ts";
import { Recorder } from "../src/worker/recorder.ts";
import { asyncCommitsText, BIG_RUN, concurrentJobsText, fillText, floodText, fluxWorkMs, putsText, rawInsertMs, type Row, storedRows, syncedText, t0090Text } from "./workloads.ts";

const json = process.argv.includes("--json");
const PUTS = 5000;
const WARMUP_PUTS = 1000;
const SYNCED = 300;
const FILL_QUOTA_MIB = 64;
const ASYNC_COMMITS = 2000;
const T0090_QUOTA_MIB = 64;
const CONCURRENT_JOBS = 40;
const CONCURRENT_JOBS_QUOTA_MIB = 4;
/** Rounds of each of Flux's own workloads (async commits, t0090 with its floor): the figures are their medians. */
const ROUNDS = 3;

let peakBytes = 0;
/** Heap + array buffers still live after a full GC at the end of a run, before its statedir is freed. */
let liveBytes = 0;
function measureLive(): void {
  globalThis.gc?.();
  const m = process.memoryUsage();
  liveBytes = m.heapUsed + m.arrayBuffers;
}
function sampleMemory(): void {
  const m = process.memoryUsage();
  peakBytes = Math.max(peakBytes, m.heapUsed + m.arrayBuffers);
}
const sampler = setInterval(sampleMemory, 20);

/** Run a scenario and return what it logged as JSON on its last line, failing loudly if it did not run to the end. */
/** Microseconds of CPU this process has used (user + system): on a shared, busy VM a steadier figure than wall time. */
const cpuMicros = () => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

/**
 * Run a scenario and return what it logged as JSON on its last line, with
 * `cpuMs`: the process's CPU time from the instance's creation to the
 * script's end (flux.start() included), failing loudly if it did not run to
 * the end.
 */
async function scenario<T>(sql: SqlJsWithFS, text: string, beforeDispose?: Parameters<typeof runScenario>[1]["beforeDispose"]): Promise<T & { cpuMs: number }> {
  let cpuFrom = 0;
  let cpuMs = 0;
  const result = await runScenario(text, {
    sql,
    retainTrace: false,
    onBroker: () => (cpuFrom = cpuMicros()),
    beforeDispose: (sim) => {
      cpuMs = (cpuMicros() - cpuFrom) / 1000;
      beforeDispose?.(sim);
      measureLive();
    },
  });
  if (!result.ok) throw new Error(`bench scenario failed: ${result.error?.message}`);
  return { ...(JSON.parse(result.logs.at(-1)!) as T), cpuMs };
}

/** The result of `work`, and the CPU milliseconds it took. */
function cpuTimed<T>(work: () => T): { value: T; cpuMs: number } {
  const from = cpuMicros();
  const value = work();
  return { value, cpuMs: (cpuMicros() - from) / 1000 };
}

/** Run `text` (which logs { ms, ... } last) and return its figures with the rows it stored. */
async function runKeepingRows<T extends { ms: number }>(sql: SqlJsWithFS, text: string): Promise<T & { cpuMs: number; rows: Row[] }> {
  let rows: Row[] = [];
  const figures = await scenario<T>(sql, text, (sim) => (rows = storedRows(sql, sim.broker.disk.snapshot())));
  return { ...figures, rows };
}

function putsRun(sql: SqlJsWithFS, puts: number) {
  return runKeepingRows<{ ms: number }>(sql, putsText(puts));
}

function asyncCommitsRun(sql: SqlJsWithFS) {
  return scenario<{ ms: number; advanced: number }>(sql, asyncCommitsText(ASYNC_COMMITS));
}

function t0090Run(sql: SqlJsWithFS) {
  return runKeepingRows<{ ms: number; jobs: number }>(sql, t0090Text(T0090_QUOTA_MIB));
}

/** issue #19 part 3: 40 jobs at once on a 4 MiB statedir, run two at a time, most of their write-backs failing with ENOSPC. */
function concurrentJobsRun(sql: SqlJsWithFS) {
  return scenario<{ ms: number; dirty: number }>(sql, concurrentJobsText(CONCURRENT_JOBS, CONCURRENT_JOBS_QUOTA_MIB));
}

/** One t0090 run and, right after it, its floor: raw inserts of the rows it stored (median of 3) plus hashing and LZ4 of its blobs. */
async function t0090Round(sql: SqlJsWithFS) {
  const { ms, cpuMs, jobs, rows } = await t0090Run(sql);
  const inserts = [1, 2, 3].map(() => cpuTimed(() => rawInsertMs(sql, rows)));
  const work = cpuTimed(() => fluxWorkMs(rows));
  const floorMs = median(inserts.map((i) => i.value)) + work.value;
  return { ms, cpuMs, jobs, floorMs, floorCpuMs: median(inserts.map((i) => i.cpuMs)) + work.cpuMs };
}

async function syncedRun(sql: SqlJsWithFS) {
  return scenario<{ ms: number }>(sql, syncedText(SYNCED));
}

async function fillRun(sql: SqlJsWithFS) {
  return scenario<{ ms: number; values: number; used: number }>(sql, fillText(FILL_QUOTA_MIB));
}

const FLOOD_LINES = 200_000;

/** A flood of log() lines in the CLI's worker thread; returns the script's own timing of it. */
async function floodMs(): Promise<number> {
  let received = 0;
  const result = await runScenarioInWorker(floodText(FLOOD_LINES), { timeoutMs: 60_000, onLogs: (lines) => (received += lines.length) });
  if (!result.ok || received !== FLOOD_LINES + 1) throw new Error(`the flood did not arrive whole: ${received} lines, ${result.error?.message ?? "ok"}`);
  return Number(result.logs.at(-1)!.split(" ")[1]);
}

const CHECK_RUNS = 200;

/** The design checker as the CLI runs it: wall and CPU time (every thread's) of CHECK_RUNS upstream sequences. */
async function checkRun(sql: SqlJsWithFS): Promise<{ ms: number; cpuMs: number; threads: number }> {
  const cpu = process.cpuUsage();
  const started = performance.now();
  const count = defaultThreads();
  const threads = new CheckThreads({ policy: "upstream" }, count);
  try {
    const report = await new DesignChecker(sql, { policy: "upstream", runs: CHECK_RUNS, runner: threads.runner }).run();
    if (report.sequences !== CHECK_RUNS || report.failure) throw new Error(`the check of upstream ended after ${report.sequences} sequences: ${report.failure?.message}`);
  } finally {
    await threads.close();
  }
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - started, cpuMs: (used.user + used.system) / 1000, threads: count };
}

const RECORD_ROUNDS = 5;

/** The big run without and with the page's Recorder (in turn first: the garbage one leaves falls on the next): wall and CPU milliseconds of each. */
async function recordingPair(sql: SqlJsWithFS, recordedFirst: boolean): Promise<{ plain: Timed; recorded: Timed }> {
  const timed = async (recorder?: Recorder): Promise<Timed> => {
    const cpuFrom = cpuMicros();
    const started = performance.now();
    const result = await runScenario(BIG_RUN, { sql, retainTrace: false, ...(recorder ? { onBroker: (broker) => recorder.attach(broker), onTurn: () => recorder.turn(), beforeDispose: () => recorder.end() } : {}) });
    if (!result.ok) throw new Error(`the big run failed: ${result.error?.message}`);
    return { ms: performance.now() - started, cpuMs: (cpuMicros() - cpuFrom) / 1000 };
  };
  const record = () => timed(new Recorder((chunk) => structuredClone(chunk)));
  if (recordedFirst) {
    const recorded = await record();
    return { plain: await timed(), recorded };
  }
  const plain = await timed();
  return { plain, recorded: await record() };
}

interface Timed {
  ms: number;
  cpuMs: number;
}

/** Run one phase and return its result with the peak memory seen during it, and what was still live after a GC at its end. */
async function phase<T>(run: () => Promise<T>): Promise<T & { peakBytes: number; liveBytes: number }> {
  globalThis.gc?.();
  peakBytes = 0;
  liveBytes = 0;
  const result = await run();
  sampleMemory();
  return { ...result, peakBytes, liveBytes };
}

const sql = await loadSqlJs();
// Warm up first, as any benchmark harness does: the engine's code is compiled
// by the JIT while it runs, and the first thousand puts would otherwise be
// measured half interpreted.
await putsRun(sql, WARMUP_PUTS);
// the raw baseline runs inside the phase, so its copy of the rows is garbage before the next phase
const puts = await phase(async () => {
  const { ms, rows } = await putsRun(sql, PUTS);
  return { ms, blobs: rows.length, rawMs: median([1, 2, 3].map(() => rawInsertMs(sql, rows))), fluxWorkMs: fluxWorkMs(rows) };
});
const rawMs = puts.rawMs;
const synced = await phase(() => syncedRun(sql));
const fill = await phase(() => fillRun(sql));
// Flux's own workloads, ROUNDS times each, the engine run and its floor back to back so that both see
// the same load of a shared machine: the figures are medians, and engine_over_floor the median of the
// rounds' own ratios.
const asyncRounds = [];
for (let round = 0; round < ROUNDS; round++) asyncRounds.push(await asyncCommitsRun(sql));
const asyncCommits = { ms: median(asyncRounds.map((r) => r.ms)), cpuMs: median(asyncRounds.map((r) => r.cpuMs)), advanced: asyncRounds[0]!.advanced };
const t0090Rounds = [];
for (let round = 0; round < ROUNDS; round++) t0090Rounds.push(await phase(() => t0090Round(sql)));
const t0090 = {
  ms: median(t0090Rounds.map((r) => r.ms)),
  cpuMs: median(t0090Rounds.map((r) => r.cpuMs)),
  jobs: t0090Rounds[0]!.jobs,
  floorMs: median(t0090Rounds.map((r) => r.floorMs)),
  floorCpuMs: median(t0090Rounds.map((r) => r.floorCpuMs)),
  overFloor: median(t0090Rounds.map((r) => r.ms / r.floorMs)),
  overFloorCpu: median(t0090Rounds.map((r) => r.cpuMs / r.floorCpuMs)),
};
const concurrentRounds = [];
for (let round = 0; round < ROUNDS; round++) concurrentRounds.push(await concurrentJobsRun(sql));
const concurrentJobs = { ms: median(concurrentRounds.map((r) => r.ms)), cpuMs: median(concurrentRounds.map((r) => r.cpuMs)), dirty: concurrentRounds[0]!.dirty };
const recordingPairs = [];
for (let round = 0; round < RECORD_ROUNDS; round++) recordingPairs.push(await recordingPair(sql, round % 2 === 1));
clearInterval(sampler);
const floodRunMs = await floodMs();
const check = await checkRun(sql);

const figures = {
  puts_per_s: Math.round(PUTS / (puts.ms / 1000)),
  synced_commits_per_s: Math.round(SYNCED / (synced.ms / 1000)),
  overhead_ratio: +(puts.ms / rawMs).toFixed(2),
  engine_ms: Math.round(puts.ms),
  raw_insert_ms: Math.round(rawMs),
  hash_lz4_ms: Math.round(puts.fluxWorkMs),
  floor_ratio: +((rawMs + puts.fluxWorkMs) / rawMs).toFixed(2),
  blobs_stored: puts.blobs,
  fill_64mib_s: +(fill.ms / 1000).toFixed(2),
  fill_values: fill.values,
  peak_heap_mb: Math.round(fill.peakBytes / 2 ** 20),
  heap_per_quota: +(fill.peakBytes / (FILL_QUOTA_MIB * 2 ** 20)).toFixed(2),
  live_heap_mb: Math.round(fill.liveBytes / 2 ** 20),
  live_per_quota: +(fill.liveBytes / (FILL_QUOTA_MIB * 2 ** 20)).toFixed(2),
  puts_peak_heap_mb: Math.round(puts.peakBytes / 2 ** 20),
  async_commits_s: +(asyncCommits.ms / 1000).toFixed(3),
  async_commits_cpu_s: +(asyncCommits.cpuMs / 1000).toFixed(3),
  async_commits_root_advanced: asyncCommits.advanced,
  t0090_64mib_s: +(t0090.ms / 1000).toFixed(2),
  t0090_64mib_cpu_s: +(t0090.cpuMs / 1000).toFixed(2),
  t0090_jobs: t0090.jobs,
  floor_ms: Math.round(t0090.floorMs),
  engine_over_floor: +t0090.overFloor.toFixed(2),
  floor_cpu_ms: Math.round(t0090.floorCpuMs),
  engine_over_floor_cpu: +t0090.overFloorCpu.toFixed(2),
  concurrent_jobs_s: +(concurrentJobs.ms / 1000).toFixed(2),
  concurrent_jobs_cpu_s: +(concurrentJobs.cpuMs / 1000).toFixed(2),
  concurrent_jobs_dirty: concurrentJobs.dirty,
  concurrent_jobs_s_all: concurrentRounds.map((r) => +(r.ms / 1000).toFixed(2)),
  async_commits_s_all: asyncRounds.map((r) => +(r.ms / 1000).toFixed(3)),
  t0090_64mib_s_all: t0090Rounds.map((r) => +(r.ms / 1000).toFixed(2)),
  engine_over_floor_all: t0090Rounds.map((r) => +(r.ms / r.floorMs).toFixed(2)),
  big_run_ms: Math.round(median(recordingPairs.map((r) => r.plain.ms))),
  big_run_recorded_ms: Math.round(median(recordingPairs.map((r) => r.recorded.ms))),
  recording_cpu_ms: Math.round(median(recordingPairs.map((r) => r.recorded.cpuMs - r.plain.cpuMs))),
  recording_cpu_ms_all: recordingPairs.map((r) => Math.round(r.recorded.cpuMs - r.plain.cpuMs)),
  log_lines_per_s: Math.round(FLOOD_LINES / (floodRunMs / 1000)),
  check_seq_per_s: +(CHECK_RUNS / (check.ms / 1000)).toFixed(1),
  check_cpu_s: +(check.cpuMs / 1000).toFixed(1),
  check_threads: check.threads,
  node: process.version,
};

if (json) console.log(JSON.stringify(figures));
else {
  console.log(`kvs puts (1 KiB, unsynced, job-id keys): ${figures.puts_per_s}/s (${PUTS} puts, ${figures.blobs_stored} blobs, ${figures.engine_ms} ms)`);
  console.log(`raw sql.js inserts of the same rows:      ${figures.raw_insert_ms} ms -> overhead_ratio ${figures.overhead_ratio}`);
  console.log(`hashing + LZ4 of the same blobs:          ${figures.hash_lz4_ms} ms -> floor_ratio ${figures.floor_ratio} (inserts + that work alone)`);
  console.log(`synced commits:                           ${figures.synced_commits_per_s}/s`);
  console.log(`fill ${FILL_QUOTA_MIB} MiB with 64 KiB values to ENOSPC:  ${figures.fill_64mib_s} s (${figures.fill_values} values)`);
  console.log(`peak heap + array buffers (fill):         ${figures.peak_heap_mb} MiB (${figures.heap_per_quota}x the ${FILL_QUOTA_MIB} MiB quota), sampled, garbage included`);
  console.log(`live after GC at the end of the fill:     ${figures.live_heap_mb} MiB (${figures.live_per_quota}x the quota)`);
  console.log(`peak heap + array buffers (puts):         ${figures.puts_peak_heap_mb} MiB`);
  console.log(`${ASYNC_COMMITS} async one-key commits, one directory: ${figures.async_commits_s} s (root +${figures.async_commits_root_advanced})`);
  console.log(`t0090 jobs until ${T0090_QUOTA_MIB} MiB report ENOSPC:    ${figures.t0090_64mib_s} s (${figures.t0090_jobs} jobs)`);
  console.log(`its floor (inserts + hashing + LZ4):      ${figures.floor_ms} ms -> engine_over_floor ${figures.engine_over_floor}`);
  console.log(`the same in CPU time:                     ${figures.t0090_64mib_cpu_s} s / ${figures.floor_cpu_ms} ms -> ${figures.engine_over_floor_cpu}`);
  console.log(`${CONCURRENT_JOBS} jobs at once on ${CONCURRENT_JOBS_QUOTA_MIB} MiB:                ${figures.concurrent_jobs_s} s (${figures.concurrent_jobs_dirty} dirty after)`);
  console.log(`the page bench's big run, here:           ${figures.big_run_ms} ms, recorded as the page's worker does ${figures.big_run_recorded_ms} ms (recording: ${figures.recording_cpu_ms} ms CPU)`);
  console.log(`log() lines in the CLI's worker:          ${figures.log_lines_per_s}/s (${FLOOD_LINES} lines in ${Math.round(floodRunMs)} ms)`);
  console.log(`design checker (upstream, ${CHECK_RUNS} sequences):   ${figures.check_seq_per_s}/s on ${check.threads} threads (${figures.check_cpu_s} s CPU)`);
}
