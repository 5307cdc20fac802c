/**
 * One scenario under several policies, side by side: how each line of the
 * script ended, what the instance was left in, and a verdict in words for each
 * policy. `npm run compare` prints it; the page shows it.
 *
 * After the script, an epilogue does what an admin would: free the space
 * other consumers took, let the instance stop (or kill it when it has not
 * stopped after 10 s of virtual time), start again (twice when rc1's fsck repaired
 * and so failed the first start, flux-model.md §8), read back every key a
 * synced kvs.put wrote and look for every job that finished, to say what was
 * kept and what was lost.
 */
import type { Broker } from "../engine/broker/broker.ts";
import type { SqlJsWithFS } from "../engine/disk/sqljs-patch.ts";
import type { Knobs } from "../engine/policy/knobs.ts";
import { describeKnobs, describePolicy, PRESETS, type PolicySetting } from "../engine/policy/presets.ts";
import type { ScenarioGlobals } from "../engine/api/types.ts";
import type { RunOverrides } from "../engine/api/simulation.ts";
import type { TraceEvent } from "../engine/sim/trace.ts";
import { runScenario, type ScenarioResult } from "./run-scenario.ts";
import type { CallOutcome, PresetOutcome, Verdicts } from "./compare-table.ts";

/** What a column's run is given: its settings, a look at its instance, and the epilogue to run after the script. */
export interface PresetRunOptions {
  overrides: RunOverrides;
  onBroker: (broker: Broker) => void;
  epilogue: (globals: ScenarioGlobals) => Promise<void>;
}

/** Runs one column's run: here (runScenario), or replayed from the script's own realm (the page: src/worker/replayed-run.ts). */
export type PresetRunner = (text: string, opts: PresetRunOptions) => Promise<ScenarioResult>;

/** What the page adds to a comparison: the controls' disk and seed, and a look at each column's run as it happens. */
export interface CompareOptions {
  /** How each column's run is run (default: runScenario in this thread, on `sql`). */
  runner?: PresetRunner;
  overrides?: Omit<RunOverrides, "policy">;
  /** Called before each column's run; its hooks see that run's instance as it starts, the script's end, and the result. */
  observe?: (policy: Column) => {
    onBroker: (broker: Broker) => void;
    /** Where the script ended, before the epilogue: what `npm run scenario` reports of the same run. */
    onScriptEnd: (end: Pick<ScenarioResult, "state" | "disk" | "events">) => void;
    onResult: (result: ScenarioResult, outcome: PresetOutcome) => void;
  };
}

/** A column of a comparison: a preset's name, a knob set of one's own, or undefined for the script's own policy. */
export type Column = PolicySetting | undefined;

/** What Compare runs unless told: the script's own policy, then every preset (the one the script names is its own column). */
export const DEFAULT_COLUMNS: readonly Column[] = [undefined, ...(Object.keys(PRESETS) as PolicySetting[])];

/** How long the epilogue lets a shutdown run before it kills the instance (virtual ms). */
const SHUTDOWN_WAIT_MS = 10_000;
/** The different dmesg lines kept per policy: the first ones tell the story; a flood would hide the table. */
const MAX_DMESG = 8;
const SERIOUS = new Set(["emerg", "alert", "crit", "err"]);

/** The script under each column's policy (the script's own and every preset unless told). */
export async function compareScenario(text: string, sql: SqlJsWithFS, columns: readonly Column[] = DEFAULT_COLUMNS, options: CompareOptions = {}): Promise<PresetOutcome[]> {
  const outcomes: PresetOutcome[] = [];
  const runner: PresetRunner = options.runner ?? ((script, opts) => runScenario(script, { sql, retainTrace: false, ...opts }));
  for (const policy of columns) {
    // the script's own policy as it is is a column already: a preset of the same name would repeat it
    if (typeof policy === "string" && outcomes.some((o) => o.policy === ownLabel(policy))) continue;
    outcomes.push(await underPolicy(text, runner, policy, options));
  }
  return outcomes;
}

const ownLabel = (described: string) => `the script's own (${described})`;

async function underPolicy(text: string, runner: PresetRunner, policy: Column, options: CompareOptions): Promise<PresetOutcome> {
  const calls: CallOutcome[] = [];
  const dmesg: string[] = [];
  const synced = new Set<string>();
  let jobsFinished = 0;
  const refused = { writes: 0 };
  let broker: Broker | undefined;
  let scriptEnd: { hash: string; state: string; exitCode: number | null } | undefined;
  let ending: Omit<Ending, "state" | "exitCode"> | undefined;
  const observer = options.observe?.(policy);
  const result = await runner(text, {
    overrides: { ...options.overrides, ...(policy === undefined ? {} : { policy }) },
    onBroker: (b) => {
      broker = b;
      observer?.onBroker(b);
      b.trace.onEvent((e) => {
        if (e.kind === "disk" && e.op === "write-refused") refused.writes++;
        if (scriptEnd) return;
        const logged = e.kind === "log" && SERIOUS.has(e.level) ? `${e.source}.${e.level}[0]: ${e.text}` : undefined;
        if (logged && dmesg.length < MAX_DMESG && !dmesg.includes(logged)) dmesg.push(logged);
        if (e.kind !== "api") return;
        calls.push({ ...(e.line ? { line: e.line } : {}), call: e.call, outcome: e.outcome });
        if (e.outcome !== "ok") return;
        const key = /^kvs\.put\((".*"), sync\)$/.exec(e.call)?.[1];
        if (key) synced.add(JSON.parse(key) as string);
        jobsFinished += jobsOf(e);
      });
    },
    epilogue: async (g) => {
      scriptEnd = { hash: broker?.trace.hash() ?? "", state: g.flux.state, exitCode: g.flux.exitCode };
      observer?.onScriptEnd({ state: g.flux.state, disk: { quota: g.disk.quota, used: g.disk.used }, events: broker?.trace.length ?? 0 });
      ending = { ...(await restartAndCheck(g, synced, refused)), diskUsed: broker?.disk.used ?? 0, diskQuota: broker?.disk.quota ?? 0 };
    },
  });
  const script = result.ok ? "ok" : `${result.error?.line ? `line ${result.error.line}: ` : ""}${result.error?.message ?? "failed"}`;
  const end: Ending = {
    state: scriptEnd?.state ?? result.state,
    exitCode: scriptEnd?.exitCode ?? null,
    ...(ending ?? { killed: false, lost: [], restart: "not run (the script could not finish)", jobsFound: 0, fsck: "not run (the script could not finish)", diskUsed: result.disk.used, diskQuota: result.disk.quota }),
  };
  const { lost, restart, fsck, diskUsed, diskQuota } = end;
  const outcome: PresetOutcome = {
    ...labelOf(policy, result.policy, broker?.knobs),
    script,
    calls,
    state: end.state,
    exitCode: end.exitCode,
    lost,
    restart,
    fsck,
    verdicts: verdictsOf(end, result, calls, synced.size, jobsFinished),
    dmesg,
    diskUsed,
    diskQuota,
    // a run the epilogue never reached (bad input) ended where its result says
    traceHash: scriptEnd?.hash ?? result.traceHash,
  };
  observer?.onResult(result, outcome);
  return outcome;
}

/** Jobs a jobs.submit call that succeeded ran to the end ("jobs.submit(3, ...)" ran 3). */
function jobsOf(e: Extract<TraceEvent, { kind: "api" }>): number {
  const n = /^jobs\.submit\((\d+)/.exec(e.call)?.[1];
  return n === undefined ? (e.call === "jobs.submit()" ? 1 : 0) : Number(n);
}

function labelOf(policy: Column, resolved: string, knobs: Knobs | undefined): Pick<PresetOutcome, "policy" | "knobs"> {
  const preset = resolved.replace(/\+custom$/, "");
  const changed = knobs && Object.hasOwn(PRESETS, preset) ? describeKnobs(preset as keyof typeof PRESETS, knobs) : [];
  const described = changed.length ? `${preset} with ${changed.join(", ")}` : preset;
  if (policy === undefined) return { policy: ownLabel(described), knobs: changed };
  // a knob set that resolves to nothing changed from its preset is that preset
  return { policy: knobs ? described : describePolicy(policy), knobs: changed };
}

/** What the epilogue found, with the state the script left. */
interface Ending {
  state: string;
  exitCode: number | null;
  /** The shutdown did not finish in SHUTDOWN_WAIT_MS: the instance was killed. */
  killed: boolean;
  lost: string[];
  restart: string;
  jobsFound: number;
  fsck: string;
  diskUsed: number;
  diskQuota: number;
}

/** The admin's epilogue: free what other consumers took, get the instance down, start, read back the synced keys and jobs, fsck. */
async function restartAndCheck(g: ScenarioGlobals, synced: Set<string>, refused: { writes: number }): Promise<Omit<Ending, "state" | "exitCode" | "diskUsed" | "diskQuota">> {
  // the runbook's order: free the space first, then stop (a design that holds or retries can use the room), then start
  for (const file of g.disk.files()) if (file.owner === "other") g.disk.remove(file);
  if (g.flux.state === "run") void g.flux.shutdown().catch(() => {});
  await g.sim.advance(SHUTDOWN_WAIT_MS);
  const killed = g.flux.state !== "down" && g.flux.state !== "failed";
  if (killed) g.flux.crash();
  let restart = "ok";
  const refusedBefore = refused.writes;
  try {
    await g.flux.start().catch(async (e: Error) => {
      // rc1's fsck exits 1 after a repair, so that start fails; the admin starts again (flux-model.md §8)
      if (!/rc1\.0: fsck: /.test(e.message)) throw e; // rc1.py names the failing task
      await g.flux.start();
      restart = "ok after a second start (rc1's fsck repaired the content store, which fails the first start)";
    });
  } catch (e) {
    // the statedir itself can fill the disk (WAL, data): removing the other consumers' files does not free it
    const full = refused.writes > refusedBefore ? " (the disk is still full: a write was refused during the start)" : "";
    return { killed, lost: [...synced], restart: `failed: ${(e as Error).message}${full}`, jobsFound: 0, fsck: `not run: the restart failed` };
  }
  const lost: string[] = [];
  for (const key of synced) await g.kvs.get(key).catch(() => lost.push(key));
  const jobsFound = await countJobs(g);
  const report = await g.flux.fsck().catch((e: Error) => e);
  const fsck = report instanceof Error ? `not run: ${report.message}` : report.ok ? "clean" : `damaged: ${report.missing.map((m) => m.key).join(", ")}`;
  return { killed, lost, restart, jobsFound, fsck };
}

/** Jobs in the KVS: their directories sit four levels under `job` (dothex ids, job.0000.0002.6e00.0000). */
async function countJobs(g: ScenarioGlobals): Promise<number> {
  let dirs = ["job"];
  for (let level = 0; level < 4; level++) {
    const next: string[] = [];
    for (const dir of dirs) for (const name of await g.kvs.ls(dir).catch(() => [] as string[])) next.push(`${dir}.${name}`);
    dirs = next;
  }
  return dirs.length;
}

function verdictsOf(end: Ending, result: ScenarioResult, calls: readonly CallOutcome[], syncedCount: number, jobsFinished: number): Verdicts {
  const restartFailed = end.restart.startsWith("failed");
  const unknown = restartFailed ? `not known: the restart failed${DISK_STILL_FULL.test(end.restart) ? " because the disk is still full" : " (below)"}` : undefined;
  const synced =
    syncedCount === 0 ? "none written" : (unknown ?? (end.lost.length === 0 ? `kept (all ${syncedCount})` : `lost ${end.lost.length} of ${syncedCount}: ${end.lost.join(", ")}`));
  const found = Math.min(end.jobsFound, jobsFinished);
  const jobs =
    jobsFinished === 0
      ? "no job finished"
      : (unknown ?? (found === jobsFinished ? `kept (all ${jobsFinished} jobs)` : found === 0 ? `lost: all ${jobsFinished} jobs (no job directory after the restart)` : `lost ${jobsFinished - found} of ${jobsFinished} jobs`));
  return { synced, jobs, up: upVerdict(end), human: humanVerdict(end, calls), waits: waitsVerdict(end, result) };
}

/** The calls that write to the KVS: whether the last one worked says whether the instance still takes writes. */
const WRITES = /^(kvs\.(put|commit|sync|unlink|mkdir)|jobs\.submit)\(/;
const DISK_STILL_FULL = /disk is still full|No space left on device/;

function upVerdict({ state, exitCode }: Ending): string {
  if (state === "run") return "stayed up";
  if (state === "hold") return "held in rc3, waiting for space";
  const exit = exitCode === null ? "" : `exit ${exitCode}`;
  if (state === "down") return exitCode === 0 ? "stopped cleanly (exit 0)" : `went down${exit ? ` (${exit})` : ""}`;
  return `went down (${[state, exit].filter(Boolean).join(", ")})`;
}

function humanVerdict(end: Ending, calls: readonly CallOutcome[]): string {
  const needs: string[] = [];
  const lastWrite = [...calls].reverse().find((c) => WRITES.test(c.call));
  if (end.state === "hold") needs.push("rc3 holds until someone frees space");
  else if (end.state !== "run" && end.exitCode !== 0) needs.push("the instance is down: someone must start it");
  else if (end.state === "run" && lastWrite && lastWrite.outcome !== "ok") needs.push(`it is up, but its last write failed (${lastWrite.outcome}): the way back is an admin's`);
  if (end.restart.startsWith("ok after")) needs.push("rc1's fsck repaired, so the first start failed and someone must start again");
  if (end.restart.startsWith("failed")) needs.push(`the restart failed${DISK_STILL_FULL.test(end.restart) ? ": the disk is still full with the other files removed" : " (below)"}`);
  return needs.length ? `yes: ${needs.join("; ")}` : "no";
}

function waitsVerdict(end: Ending, result: ScenarioResult): string {
  const stuck = result.error?.message.match(/^stuck at [^:]+: the script waits for (.*?), and nothing left/)?.[1];
  const waits = [...(stuck ? [`the script waited for ${stuck}`] : []), ...(end.killed ? [`the shutdown did not end in ${SHUTDOWN_WAIT_MS / 1000} s and the instance was killed`] : [])];
  return waits.length ? `yes: ${waits.join("; ")}` : "no";
}
