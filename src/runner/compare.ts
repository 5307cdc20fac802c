/**
 * One scenario under every policy preset, side by side: how each call ended,
 * the state the instance was left in, what a restart loses, what fsck says,
 * how full the disk is. `npm run compare` prints it; the page can show it.
 *
 * After the script, an epilogue does what an admin would: let a shutdown in
 * progress finish (or kill the instance after 10 s of virtual time), free
 * the space other consumers took, start again, and read back every key a
 * synced kvs.put wrote, to count what was lost.
 */
import type { Broker } from "../engine/broker/broker.ts";
import type { SqlJsWithFS } from "../engine/disk/sqljs-patch.ts";
import { describePolicy, PRESETS, type PolicySetting } from "../engine/policy/presets.ts";
import type { ScenarioGlobals } from "../engine/api/types.ts";
import type { RunOverrides } from "../engine/api/simulation.ts";
import { runScenario, type ScenarioResult } from "./run-scenario.ts";

/** What the page adds to a comparison: the controls' disk and seed, and a look at each preset's run as it happens. */
export interface CompareOptions {
  overrides?: Omit<RunOverrides, "policy">;
  /** Called before each preset's run; its hooks see that run's instance as it starts and its result at the end. */
  observe?: (policy: Column) => { onBroker: (broker: Broker) => void; onResult: (result: ScenarioResult) => void };
}

export interface PresetOutcome {
  /** The policy in words: a preset's name, or its preset and the knobs it changes. */
  policy: string;
  /** The script's own result: "ok", or where and why it stopped. */
  script: string;
  /** Each call of the script in order: its label and "ok" or its errno. */
  calls: { call: string; outcome: string }[];
  /** The instance state when the script ended, and the exit code of its last stop. */
  state: string;
  exitCode: number | null;
  /** Keys written by a synced kvs.put that succeeded but are missing after the epilogue's restart. */
  lost: string[];
  /** fsck of the latest checkpoint after the restart: "clean", the damaged keys, or why it could not run. */
  fsck: string;
  diskUsed: number;
  diskQuota: number;
  traceHash: string;
}

/** A column of a comparison: a preset's name, a knob set of one's own, or undefined for the script's own policy. */
export type Column = PolicySetting | undefined;

/** The script under each policy (the presets unless told). */
export async function compareScenario(text: string, sql: SqlJsWithFS, presets: readonly Column[] = Object.keys(PRESETS) as PolicySetting[], options: CompareOptions = {}): Promise<PresetOutcome[]> {
  const outcomes: PresetOutcome[] = [];
  for (const policy of presets) outcomes.push(await underPolicy(text, sql, policy, options));
  return outcomes;
}

async function underPolicy(text: string, sql: SqlJsWithFS, policy: Column, options: CompareOptions): Promise<PresetOutcome> {
  const calls: { call: string; outcome: string }[] = [];
  const synced = new Set<string>();
  let broker: Broker | undefined;
  let scriptDone = false;
  let ending: Pick<PresetOutcome, "state" | "exitCode" | "lost" | "fsck" | "diskUsed" | "diskQuota"> | undefined;
  const observer = options.observe?.(policy);
  const result = await runScenario(text, {
    sql,
    retainTrace: false,
    overrides: { ...options.overrides, ...(policy === undefined ? {} : { policy }) },
    onBroker: (b) => {
      broker = b;
      observer?.onBroker(b);
      b.trace.onEvent((e) => {
        if (e.kind !== "api" || scriptDone) return;
        calls.push({ call: e.call, outcome: e.outcome });
        const key = /^kvs\.put\((".*"), sync\)$/.exec(e.call)?.[1];
        if (key && e.outcome === "ok") synced.add(JSON.parse(key) as string);
      });
    },
    epilogue: async (g) => {
      scriptDone = true;
      const state = g.flux.state;
      const exitCode = g.flux.exitCode;
      ending = { state, exitCode, ...(await restartAndCheck(g, synced)), diskUsed: broker?.disk.used ?? 0, diskQuota: broker?.disk.quota ?? 0 };
    },
  });
  observer?.onResult(result);
  const script = result.ok ? "ok" : `${result.error?.line ? `line ${result.error.line}: ` : ""}${result.error?.message ?? "failed"}`;
  return {
    policy: policy === undefined ? `the script's own (${result.policy})` : describePolicy(policy),
    script,
    calls,
    ...(ending ?? { state: result.state, exitCode: null, lost: [], fsck: "not run (the script could not finish)", diskUsed: result.disk.used, diskQuota: result.disk.quota }),
    traceHash: result.traceHash,
  };
}

/** The admin's epilogue: get the instance down, free what other consumers took, start, read back the synced keys, fsck. */
async function restartAndCheck(g: ScenarioGlobals, synced: Set<string>): Promise<Pick<PresetOutcome, "lost" | "fsck">> {
  if (g.flux.state === "run") void g.flux.shutdown().catch(() => {});
  await g.sim.advance(10_000);
  if (g.flux.state !== "down" && g.flux.state !== "failed") g.flux.crash();
  for (const file of g.disk.files()) if (file.owner === "other") g.disk.remove(file);
  try {
    await g.flux.start();
  } catch (e) {
    return { lost: [...synced], fsck: `not run: the restart failed (${(e as Error).message})` };
  }
  const lost: string[] = [];
  for (const key of synced) await g.kvs.get(key).catch(() => lost.push(key));
  const report = await g.flux.fsck().catch((e: Error) => e);
  const fsck = report instanceof Error ? `not run: ${report.message}` : report.ok ? "clean" : `damaged: ${report.missing.map((m) => m.key).join(", ")}`;
  return { lost, fsck };
}

/** The comparison as rows: one per call, one column per preset, then the summary rows (after an empty one), and notes. */
export function comparisonTable(outcomes: readonly PresetOutcome[]): { header: string[]; rows: string[][]; notes: string[] } {
  const header = ["", ...outcomes.map((o) => o.policy)];
  const longest = Math.max(...outcomes.map((o) => o.calls.length));
  const rows: string[][] = [];
  for (let i = 0; i < longest; i++) {
    const label = outcomes.find((o) => o.calls[i])!.calls[i]!.call;
    rows.push([`${i + 1}. ${label}`, ...outcomes.map((o) => (o.calls[i] ? (o.calls[i]!.call === label ? o.calls[i]!.outcome : `${o.calls[i]!.outcome} (${o.calls[i]!.call})`) : "—"))]);
  }
  rows.push(header.map(() => ""));
  rows.push(["script", ...outcomes.map((o) => (o.script === "ok" ? "ran to the end" : `stopped (${/^line (\d+)/.exec(o.script)?.[0] ?? "see below"})`))]);
  rows.push(["state at the end", ...outcomes.map((o) => `${o.state}${o.exitCode === null ? "" : ` (exit ${o.exitCode})`}`)]);
  rows.push(["synced data lost", ...outcomes.map((o) => (o.lost.length === 0 ? "none" : o.lost.join(", ")))]);
  rows.push(["fsck after restart", ...outcomes.map((o) => (o.fsck.startsWith("not run") ? "not run (below)" : o.fsck))]);
  rows.push(["disk used", ...outcomes.map((o) => `${(o.diskUsed / 1024).toFixed(0)} of ${(o.diskQuota / 1024).toFixed(0)} KiB`)]);
  const notes = outcomes.flatMap((o) => [
    ...(o.script === "ok" ? [] : [`${o.policy}: the script stopped: ${o.script}`]),
    ...(o.fsck.startsWith("not run") ? [`${o.policy}: fsck ${o.fsck}`] : []),
  ]);
  return { header, rows, notes };
}

/** The comparison as a table a person can read: one row per call, one column per preset, then the summary rows. */
export function formatComparison(outcomes: readonly PresetOutcome[]): string {
  const { header, rows, notes } = comparisonTable(outcomes);
  const widths = header.map((_, c) => Math.max(header[c]!.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c]!)).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line), ...(notes.length ? ["", ...notes] : [])].join("\n");
}
