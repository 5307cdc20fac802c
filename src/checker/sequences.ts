/**
 * Random operation sequences for the design checker (check-design.ts) and the policy property tests,
 * written out as ordinary scenario scripts: a failing sequence is its own reproducer, and minimizing it is
 * deleting lines.
 *
 * Each operation may fail (ENOSPC, EROFS, ECONNREFUSED...) or hang (a synced commit stuck behind a stranded
 * blob): the script tolerates Flux errors and gives every operation at most a few seconds of virtual time.
 * What it does not tolerate are the promises a design makes (promises.ts) that a script can see:
 *  - checkpoint: the latest checkpoint names only blobs that are on disk (fsck clean);
 *  - synced: every synced commit that succeeded is readable after a restart;
 *  - liveness: once space is free and the way back is taken (wayBack below), the instance accepts a synced
 *    commit within 30 s of virtual time;
 *  - flux-errors: every failure is a Flux errno (anything else escapes `attempt` and ends the run).
 * A broken promise throws an Error whose message starts with "PROPERTY <promise>".
 *
 * The script text says neither `throw` nor `log` where it need not (a broken promise is an awaited rejection, and
 * the one log() is there only for a design that lets a dangling checkpoint pass): the runner then skips marking their
 * sites (src/runner/transpile.ts, sucrase's token table), which was two thirds of transpiling a sequence
 * (~14 of ~20 ms), a tenth of the checker's time. The error and its line are the same either way.
 */
import { Prng } from "../engine/sim/prng.ts";
import type { PolicySetting } from "../engine/policy/presets.ts";
import type { ScriptPromises } from "./promises.ts";

export type { PolicySetting };

export type Op =
  | { op: "put"; key: string; size: number }
  | { op: "sync-put"; key: string; value: number }
  | { op: "unlink"; key: string }
  | { op: "txn"; keys: string[]; size: number }
  | { op: "sync" }
  | { op: "fill"; leave: number }
  | { op: "free" }
  | { op: "quota"; bytes: number }
  | { op: "crash" }
  /** Start a synced commit and lose power after `us` microseconds of virtual time: between its blob writes and its checkpoint. */
  | { op: "crash-mid-sync"; key: string; value: number; us: number }
  | { op: "shutdown" }
  | { op: "start" }
  | { op: "advance"; ms: number }
  | { op: "fsck" }
  /** Jobs run to completion (or their failure), each writing its eventlog and output to the kvs. */
  | { op: "jobs"; n: number }
  /** The admin's way back for a read-only design; refused (a Flux error) where there is nothing to undo. */
  | { op: "read-write" }
  /** The next write to a statedir file fails with this errno (a disk error, not a full disk). */
  | { op: "fail-next-write"; errno: "EIO" | "ENOSPC" };

export interface SequenceOptions {
  length: number;
  disk: number;
}

/** A random sequence: weighted towards writes, with enough fills, frees and restarts to matter. */
export function randomOps(seed: number, { length, disk }: SequenceOptions): Op[] {
  const rng = new Prng(seed);
  const pick = <T>(items: readonly T[]): T => items[rng.int(0, items.length - 1)]!;
  const ops: Op[] = [];
  let u = 0;
  let s = 0;
  for (let i = 0; i < length; i++) {
    const roll = rng.int(0, 99);
    if (roll < 20) ops.push({ op: "put", key: `u${u++}`, size: pick([40, 900, 5_000, 40_000, 120_000]) });
    else if (roll < 38) ops.push({ op: "sync-put", key: `s${s}`, value: s++ });
    else if (roll < 42) ops.push({ op: "unlink", key: `u${rng.int(0, Math.max(0, u - 1))}` });
    else if (roll < 47) ops.push({ op: "txn", keys: [`u${u++}`, `d${rng.int(0, 3)}.u${u++}`], size: pick([100, 3_000, 30_000]) });
    else if (roll < 51) ops.push({ op: "sync" });
    else if (roll < 60) ops.push({ op: "fill", leave: pick([0, 8_192, 32_768, 65_536, 131_072, 200_000]) });
    else if (roll < 69) ops.push({ op: "free" });
    else if (roll < 71) ops.push({ op: "quota", bytes: pick([disk, disk, Math.round(disk * 0.75), Math.round(disk * 1.5)]) });
    else if (roll < 74) ops.push({ op: "crash" });
    else if (roll < 76) ops.push({ op: "crash-mid-sync", key: `s${s}`, value: s++, us: rng.int(1, 400) });
    else if (roll < 81) ops.push({ op: "shutdown" });
    else if (roll < 91) ops.push({ op: "start" });
    else if (roll < 94) ops.push({ op: "advance", ms: pick([1, 50, 2_000, 15_000]) });
    else if (roll < 96) ops.push({ op: "fsck" });
    else if (roll < 98) ops.push({ op: "jobs", n: pick([1, 2, 5]) });
    else if (roll < 99) ops.push({ op: "read-write" });
    else ops.push({ op: "fail-next-write", errno: pick(["EIO", "ENOSPC"] as const) });
  }
  return ops;
}

/** What runs before the operations; `notesDangling`: the script logs each dangling checkpoint it lets pass. */
const prelude = (notesDangling: boolean) => `
const synced = new Map<string, number>();
const fills: string[] = [];
/** Checkpoints found naming blobs that are not on disk (only collected, not fatal, when a dangling checkpoint is expected). */
const dangling: string[] = [];

/** Run one operation; Flux errors are expected, a hang is cut off after \`ms\` of virtual time. */
async function attempt(op: () => Promise<unknown>, ms = 5_000): Promise<"ok" | "failed" | "pending"> {
  let outcome: "ok" | "failed" | "pending" = "pending";
  let unexpected: unknown;
  const done = Promise.resolve()
    .then(op)
    .then(
      () => void (outcome = "ok"),
      (e: unknown) => void (e instanceof FluxError ? (outcome = "failed") : (unexpected = e)),
    );
  await Promise.race([done, sim.advance(ms)]);
  if (unexpected) await Promise.reject(new Error("PROPERTY flux-errors: a failure that is not a Flux errno: " + (unexpected instanceof Error ? unexpected.name + ": " + unexpected.message : String(unexpected))));
  return outcome;
}

/** The latest checkpoint names only blobs on disk (when fsck can run at all). */
async function checkCheckpoint(after: string): Promise<void> {
  let report: Awaited<ReturnType<typeof flux.fsck>> | undefined;
  await attempt(async () => (report = await flux.fsck()));
  if (!report || report.ok) return;
  const problem = "PROPERTY checkpoint: fsck after " + after + ": " + JSON.stringify(report.missing.map((m) => m.key));
  if (PROMISES.checkpoint && !EXPECT_DANGLING) await Promise.reject(new Error(problem));
  dangling.push(problem);
  ${notesDangling ? "log(problem);" : "// (a design that makes this promise stopped above)"}
}

/** After a start: every synced commit that succeeded is readable. */
async function checkSynced(): Promise<void> {
  if (!PROMISES.synced) return;
  for (const [key, value] of synced) {
    let got: unknown;
    await attempt(async () => (got = await kvs.get(key)));
    if (got === value) continue;
    // stopped since it started (fail-hard at rc1's last write-backs): nothing to read from; the next start checks again
    if (flux.state !== "run") return;
    await Promise.reject(new Error("PROPERTY synced: " + key + "=" + value + " read back as " + JSON.stringify(got)));
  }
}

async function start(): Promise<void> {
  if ((await attempt(() => flux.start())) === "ok") await checkSynced();
}

/** Shut down; an rc3 that holds or hangs is given time, then killed as an admin would. */
async function shutdown(): Promise<void> {
  if ((await attempt(() => flux.shutdown())) === "pending") flux.crash();
}

/**
 * The way back once space is free: the other consumers' files removed, read-write (a read-only design's admin
 * step), time for a design that holds rc3 to finish its stop, then a restart, with the statedir's filesystem
 * grown first if Flux's own files fill it (half the quota free), and a second start when the first one
 * stopped (an rc1 fsck that repaired fails that start, as flux-core's does).
 */
async function wayBack(): Promise<void> {
  fills.splice(0).forEach((f) => disk.remove(f));
  if (flux.state === "run") await attempt(() => flux.readWrite());
  await sim.advance(10_000);
  flux.crash();
  disk.setQuota(Math.max(DISK, disk.used + DISK / 2));
  await start();
  if (flux.state !== "run") await start();
}

/** Liveness: the instance accepts a synced commit within 30 s of virtual time. */
async function checkLive(): Promise<void> {
  if (!PROMISES.liveness) return;
  if (flux.state !== "run") await Promise.reject(new Error("PROPERTY liveness: the instance is " + flux.state + ", not running, after space was freed and it was started twice"));
  const outcome = await attempt(() => kvs.put("live", 1, { sync: true }), 30_000);
  if (outcome !== "ok") await Promise.reject(new Error("PROPERTY liveness: a synced commit " + (outcome === "pending" ? "still waited after 30 s" : "failed") + " once space was free and the instance restarted"));
}
`;

function line(o: Op): string {
  switch (o.op) {
    case "put":
      return `await attempt(() => kvs.put(${JSON.stringify(o.key)}, bytes(${o.size})));`;
    case "sync-put":
      return `if ((await attempt(() => kvs.put(${JSON.stringify(o.key)}, ${o.value}, { sync: true }))) === "ok") synced.set(${JSON.stringify(o.key)}, ${o.value});`;
    case "unlink":
      return `await attempt(() => kvs.unlink(${JSON.stringify(o.key)}));`;
    case "txn":
      return `await attempt(() => kvs.commit(kvs.txn()${o.keys.map((k) => `.put(${JSON.stringify(k)}, bytes(${o.size}))`).join("")}));`;
    case "sync":
      return "await attempt(() => kvs.sync());";
    case "fill":
      return `if (disk.free > ${o.leave}) fills.push(disk.fill(disk.free - ${o.leave}).name);`;
    case "free":
      return "if (fills.length > 0) disk.remove(fills.shift()!);";
    case "quota":
      return `disk.setQuota(${o.bytes});`;
    case "crash":
      return "flux.crash();";
    case "crash-mid-sync":
      return `{ const p = kvs.put(${JSON.stringify(o.key)}, ${o.value}, { sync: true }).catch(() => {}); await sim.advance(${o.us / 1000}); flux.crash(); await p; }`;
    case "shutdown":
      return "await shutdown();";
    case "start":
      return "await start();";
    case "advance":
      return `await sim.advance(${o.ms});`;
    case "fsck":
      return `await checkCheckpoint("fsck");`;
    case "jobs":
      return `await attempt(() => jobs.submit(${o.n}), 20_000);`;
    case "read-write":
      return "await attempt(() => flux.readWrite());";
    case "fail-next-write":
      return `disk.failNextWrite(${JSON.stringify(o.errno)});`;
  }
}

export interface ScriptOptions {
  /** The promises the script checks (the others it only logs or skips). */
  promises: ScriptPromises;
  /** A checkpoint naming missing blobs is what the script asserts happened (a kept regression scenario). */
  expectDangling?: boolean;
}

/** The scenario text for a sequence: each operation, then a check of the checkpoint; at the end, the way back and liveness. */
export function scenarioFor(ops: readonly Op[], policy: PolicySetting, disk: number, seed: number, options: ScriptOptions): string {
  const body = ops.map((o) => `${line(o)}\nawait checkCheckpoint(${JSON.stringify(o.op)});`).join("\n");
  const expectDangling = options.expectDangling ?? false;
  return [
    `scenario({ policy: ${JSON.stringify(policy)}, disk: ${disk}, seed: ${seed} });`,
    `const DISK = ${disk};`,
    `const PROMISES = ${JSON.stringify(options.promises)};`,
    `const EXPECT_DANGLING = ${expectDangling};`,
    prelude(!options.promises.checkpoint || expectDangling),
    "await start();",
    body,
    "// the end: once space is free and the way back taken, a restart sees every synced commit and takes a new one",
    "await wayBack();",
    'await checkCheckpoint("the end");',
    "await checkLive();",
    ...(expectDangling ? ["expect(dangling.length).toBeGreaterThan(0);"] : []),
    "",
  ].join("\n");
}

/** Delete operations one at a time, last first, while `fails` still holds. */
export async function minimize(ops: Op[], fails: (ops: Op[]) => Promise<boolean>): Promise<Op[]> {
  let current = ops;
  for (let changed = true; changed; ) {
    changed = false;
    for (let i = current.length - 1; i >= 0; i--) {
      const shorter = current.filter((_, j) => j !== i);
      if (await fails(shorter)) {
        current = shorter;
        changed = true;
      }
    }
  }
  return current;
}

export const PROPERTY_DISK = 768 * 1024;

/** The dangling search's script under flux-0.66: it checks the checkpoint promise only, whose first break ends the run and names it. */
export function danglingSearchScript(ops: readonly Op[], seed: number, expectDangling = false): string {
  const promises = { checkpoint: true, synced: false, liveness: false, "flux-errors": true };
  return scenarioFor(ops, "flux-0.66", PROPERTY_DISK, seed, { promises, expectDangling });
}
export const PROPERTY_LENGTH = 28;

/** The seeds' sequences, in order, until `outcome` says one left a dangling checkpoint; then minimized. */
export async function searchDangling(
  runs: number,
  outcome: (ops: Op[], seed: number) => Promise<string | undefined>,
): Promise<{ seed: number; ops: Op[] } | undefined> {
  const dangles = async (ops: Op[], seed: number) => (await outcome(ops, seed))?.startsWith("PROPERTY checkpoint") ?? false;
  for (let seed = 1; seed <= runs; seed++) {
    const ops = randomOps(seed * 7919, { length: PROPERTY_LENGTH, disk: PROPERTY_DISK });
    if (await dangles(ops, seed)) return { seed, ops: await minimize(ops, (o) => dangles(o, seed)) };
  }
  return undefined;
}
