/**
 * What the page and its engine worker say to each other. The worker runs a
 * scenario and sends its history as it goes, in chunks: every trace event,
 * compact frames of every layer (taken whenever one changed), and the hash
 * tree of each root the kvs published or checkpointed; then the result. A run
 * stopped from outside (its worker terminated) keeps the chunks it sent. The
 * client puts them together into a RunResult; the UI only reads these.
 */
import type { RunOverrides } from "../engine/api/simulation.ts";
import type { TraceEvent } from "../engine/sim/trace.ts";
import type { RunSummary, ScenarioResult } from "../runner/run-scenario.ts";
import type { PresetOutcome } from "../runner/compare-table.ts";
import type { PolicySetting } from "../engine/policy/presets.ts";
import type { ExportOutput } from "../export/sharness-test.ts";
import type { CheckProgress, CheckReport } from "../checker/check-design.ts";

export interface RunRequest {
  type: "run";
  id: number;
  text: string;
  overrides: RunOverrides;
  /** The run ends by itself at the script's next wait after this long, keeping its whole history (a loop that never waits is terminated from outside). */
  timeLimitMs?: number;
}

/** End the run in progress (the engine's worker answers with what it had, as a run cut short). */
export interface StopRequest {
  type: "stop";
  /** What the run's error will say ("stopped by the Stop button"); bounded by the engine worker. */
  reason: string;
}

/** Every layer after trace event `i` (only the layers the page draws, and only when one of them changed). */
export interface Frame {
  i: number;
  t: number;
  state: string;
  kvs: { sequence: number; rootref: string; readOnly: boolean; commitQueue: number } | null;
  checkpoint: { sequence: number; rootref: string } | null;
  cache: { count: number; dirty: number; dirtyBytes: number; size: number; flushWaiters: number; stranded: number; readOnly: boolean; flushErrno: string | null } | null;
  backing: { readOnly: boolean; lastErrno: string | null; closed?: true } | null;
  disk: { quota: number; used: number; files: { name: string; bytes: number; owner: string }[] };
}

/** A node of a hash tree as it was when first seen: blob state is then followed through the trace. */
export interface TreeNode {
  name: string;
  ref: string | null;
  kind: "dir" | "val" | "valref" | "symlink" | "truncated";
  /** Where the blob was when the tree was captured. */
  state: "dirty" | "on-disk" | "missing" | "inline";
  children?: TreeNode[];
}

export interface RunResult {
  type: "result";
  id: number;
  result: ScenarioResult;
  events: TraceEvent[];
  frames: Frame[];
  /** Trees by root blobref, captured when the root was published or checkpointed. */
  trees: Record<string, TreeNode>;
  ms: number;
  /** The statedir's SQLite files at the end of the run, by name and size: the engine worker keeps their bytes. */
  statedir?: StatedirEntry[];
}

/** A statedir file of the last run, as the page knows it: its bytes stay in the engine worker until downloaded. */
export interface StatedirEntry {
  name: string;
  size: number;
}

/** Files → a statedir file: the engine worker sends the bytes of one of run `run`'s files (it keeps the last run's). */
export interface StatedirFileRequest {
  type: "statedir-file";
  id: number;
  run: number;
  name: string;
}

/** The file's bytes, or why there are none (another run's files, or a restarted worker's, are not kept). */
export interface StatedirFileReply {
  type: "statedir-bytes";
  id: number;
  bytes: Uint8Array<ArrayBuffer> | null;
  problem?: string;
}

/** The next piece of a run's history (events, and the frames and trees that came with them), and where the run is. */
export interface RunChunk {
  type: "chunk";
  id: number;
  events: TraceEvent[];
  frames: Frame[];
  trees: Record<string, TreeNode>;
  summary: RunSummary | undefined;
}

/**
 * The run starts again from its beginning (a put its realm settled itself did not succeed: replayed-run.ts): the
 * chunks sent so far are void, and the run's history comes again.
 */
export interface RunRestart {
  type: "restart";
  id: number;
}

/** The run ended by itself (its history came in chunks before this). */
export interface RunEnd {
  type: "end";
  id: number;
  result: ScenarioResult;
  ms: number;
  /** The statedir's SQLite files at the end of the run, by name and size (StatedirFileRequest asks for their bytes). */
  statedir?: StatedirEntry[];
}

export type WorkerReply = { type: "ready" } | RunChunk | RunRestart | RunEnd | CompareProgress | CompareResult | ExportReply | CheckProgressReply | CheckResult | StatedirFileReply;

/** Export the scenario as a flux-core test (src/export/): the worker runs it on the model once, recording each call. */
export interface ExportRequest {
  type: "export";
  id: number;
  text: string;
  /** The file name the test's description names. */
  name: string;
}

export interface ExportReply {
  type: "export-result";
  id: number;
  result: ExportOutput;
}

/** Run the scenario under every preset, as `npm run compare` does (src/runner/compare.ts), recording each run. */
export interface CompareRequest {
  type: "compare";
  id: number;
  text: string;
  /** The controls' disk and seed; the policy is each column's in turn. */
  overrides: Omit<RunOverrides, "policy">;
  /** The columns: a preset, a knob set, or null for the script's own policy (default: the script's own and every preset). */
  columns?: (PolicySetting | null)[];
}

export interface CompareProgress {
  type: "compare-progress";
  id: number;
  /** Columns finished so far, and the one running now. */
  done: number;
  total: number;
  policy: string;
}

export interface CompareResult {
  type: "compare-result";
  id: number;
  outcomes: PresetOutcome[];
  /** Each column's run as far as its script went, by the column's policy in words, to show in the stack view and timeline. */
  runs: Record<string, RunResult>;
}

/** Check a design (src/checker/, the code of `npm run check`): random sequences against one policy, in the engine's worker. */
export interface CheckRequest {
  type: "check";
  id: number;
  /** The policy as `--policy` takes it: a preset's name or a JSON knob set. */
  policy: string;
  /** How many sequences (1 to MAX_CHECK_RUNS); the first is sequence 1, as the CLI's default `--seed`. */
  runs: number;
}

/** Stop the check in progress after the sequence (or shrinking step) it is in; its result keeps what was found. */
export interface CheckStopRequest {
  type: "check-stop";
}

/** The most sequences one check in the page runs (the CLI has no bound). */
export const MAX_CHECK_RUNS = 10_000;

export interface CheckProgressReply {
  type: "check-progress";
  id: number;
  progress: CheckProgress;
}

export interface CheckResult {
  type: "check-result";
  id: number;
  /** The checker's report, or the one line saying why nothing ran (bad input). */
  outcome: { ok: true; report: CheckReport } | { ok: false; problem: string };
}

/** The recorder keeps the trees of a run's first this many roots (a long run publishes thousands)... */
export const MAX_TREES = 400;
/** ...and past them, those of the roots current or checkpointed at a marker and at the end, up to this many more (docs/ux.md: the memory this bounds). */
export const MAX_MARKER_TREES = 1000;
