/**
 * A comparison's table: rows by the script's line, the verdict rows, and its
 * text form. Apart from the runs (compare.ts) so that the page can draw a
 * comparison without loading the engine and the TypeScript transpiler.
 */
/** A call of the script: the source line it was made from, its label, and "ok" or its errno. */
export interface CallOutcome {
  line?: number;
  call: string;
  outcome: string;
}

/** Each policy's verdict in words (what an admin wants to know first). */
export interface Verdicts {
  synced: string;
  jobs: string;
  up: string;
  human: string;
  waits: string;
}

export interface PresetOutcome {
  /** The policy in words: a preset's name, or its preset and the knobs it changes. */
  policy: string;
  /** The knobs this policy changes from its preset, as name=value (empty for a preset as it is). */
  knobs: string[];
  /** The script's own result: "ok", or where and why it stopped. */
  script: string;
  /** Each call of the script in order. */
  calls: CallOutcome[];
  /** The instance state when the script ended, and the exit code of its last stop. */
  state: string;
  exitCode: number | null;
  /** Keys written by a synced kvs.put that succeeded but are missing after the epilogue's restart. */
  lost: string[];
  /** How the epilogue's restart went: "ok", "ok after a second start (...)", or "failed: ...". */
  restart: string;
  /** fsck of the latest checkpoint after the restart: "clean", the damaged keys, or why it could not run. */
  fsck: string;
  verdicts: Verdicts;
  /** The broker's different err and worse lines while the script ran, as `flux dmesg` prints them (without the time). */
  dmesg: string[];
  diskUsed: number;
  diskQuota: number;
  /** The trace hash where the script ended: the same as `npm run scenario -- --policy` of this policy gives. */
  traceHash: string;
}

/** A line's outcomes in the order they happened, runs of the same collapsed: "ok ×3 → ENOSPC ×2". */
export function collapse(outcomes: readonly string[]): string {
  const runs: { outcome: string; n: number }[] = [];
  for (const outcome of outcomes) {
    const last = runs.at(-1);
    if (last?.outcome === outcome) last.n++;
    else runs.push({ outcome, n: 1 });
  }
  return runs.map((r) => (r.n > 1 ? `${r.outcome} ×${r.n}` : r.outcome)).join(" → ");
}

/** One row per line of the script that made a call under any policy, in line order: its label and each policy's calls there. */
export function rowsByLine(outcomes: readonly PresetOutcome[]): { line: number | undefined; label: string; cells: string[] }[] {
  const byLine = new Map<string, { line: number | undefined; labels: Set<string> }>();
  const keyOf = (c: CallOutcome) => (c.line === undefined ? `call ${c.call}` : `line ${c.line}`);
  for (const o of outcomes) for (const c of o.calls) (byLine.get(keyOf(c)) ?? byLine.set(keyOf(c), { line: c.line, labels: new Set() }).get(keyOf(c))!).labels.add(c.call);
  // each policy's outcomes by line, gathered once (a long script has thousands of lines)
  const byOutcome = outcomes.map((o) => {
    const lines = new Map<string, string[]>();
    for (const c of o.calls) (lines.get(keyOf(c)) ?? lines.set(keyOf(c), []).get(keyOf(c))!).push(c.outcome);
    return lines;
  });
  const rows = [...byLine.entries()].sort(([, a], [, b]) => (a.line ?? Infinity) - (b.line ?? Infinity));
  return rows.map(([key, { line, labels }]) => ({
    line,
    label: `${line === undefined ? "" : `line ${line}: `}${sharedLabel([...labels])}`,
    cells: byOutcome.map((lines) => (lines.has(key) ? collapse(lines.get(key)!) : "—")),
  }));
}

/** The label of a line's calls: the call itself, or, when a loop called it with different arguments, its name and "…". */
function sharedLabel(labels: string[]): string {
  if (labels.length === 1) return labels[0]!;
  const names = new Set(labels.map((l) => l.replace(/\(.*$/s, "")));
  return names.size === 1 ? `${[...names][0]}(…)` : labels.join(" / ");
}

export const VERDICT_ROWS: readonly { label: string; of: keyof Verdicts }[] = [
  { label: "synced data", of: "synced" },
  { label: "job data", of: "jobs" },
  { label: "the instance", of: "up" },
  { label: "needed a human", of: "human" },
  { label: "waited forever", of: "waits" },
];

/** The comparison as rows: one per line of the script, then (after an empty one) the verdicts and the summary rows, and notes. */
export function comparisonTable(outcomes: readonly PresetOutcome[]): { header: string[]; rows: string[][]; notes: string[] } {
  const header = ["", ...outcomes.map((o) => o.policy)];
  const rows: string[][] = rowsByLine(outcomes).map((r) => [r.label, ...r.cells]);
  rows.push(header.map(() => ""));
  for (const { label, of } of VERDICT_ROWS) rows.push([label, ...outcomes.map((o) => o.verdicts[of])]);
  rows.push(header.map(() => ""));
  rows.push(["script", ...outcomes.map((o) => (o.script === "ok" ? "ran to the end" : `stopped (${/^line (\d+)/.exec(o.script)?.[0] ?? "see below"})`))]);
  rows.push(["state at the end", ...outcomes.map((o) => `${o.state}${o.exitCode === null ? "" : ` (exit ${o.exitCode})`}`)]);
  rows.push(["restart after it", ...outcomes.map((o) => (o.restart.startsWith("failed") ? "failed (below)" : o.restart.startsWith("ok after") ? "ok, second start" : o.restart))]);
  rows.push(["fsck after restart", ...outcomes.map((o) => (o.fsck.startsWith("not run") ? "not run (below)" : o.fsck))]);
  rows.push(["disk used", ...outcomes.map((o) => `${(o.diskUsed / 1024).toFixed(0)} of ${(o.diskQuota / 1024).toFixed(0)} KiB`)]);
  rows.push(["trace hash", ...outcomes.map((o) => o.traceHash)]);
  const notes = outcomes.flatMap((o) => [
    ...(o.script === "ok" ? [] : [`${o.policy}: the script stopped: ${o.script}`]),
    ...(o.restart.startsWith("ok") ? [] : [`${o.policy}: the restart ${o.restart}`]),
  ]);
  return { header, rows, notes };
}

/** The comparison as a table a person can read: one row per line, one column per policy, then the verdicts. */
export function formatComparison(outcomes: readonly PresetOutcome[]): string {
  const { header, rows, notes } = comparisonTable(outcomes);
  const widths = header.map((_, c) => Math.max(header[c]!.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => cell.padEnd(widths[c]!)).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line), ...(notes.length ? ["", ...notes] : [])].join("\n");
}
