/**
 * Named policies: what Flux shipped at a given release, or a design from the
 * ENOSPC discussion (flux-core issue #6236). Each is a full set of knobs.
 */
import { FluxError } from "../sim/errno.ts";
import { conflicts, KNOB_NAMES, knobValueProblem, type Knobs, type PresetName } from "./knobs.ts";

export type { PresetName };

const COMMON = {
  checkpointPeriodMs: 0,
  transactionMerge: true,
  backingOnEnospc: "retry",
  failHard: false,
  reserveBytes: 0,
  checkpointDb: "main",
  cacheReadOnly: false,
  cacheRetriesFailedWrites: false,
  kvsReadOnly: false,
  unloadCheckpointFallback: false,
  rc3HoldFreeBytes: 0,
  contentHash: "sha1",
  blobSizeLimit: 1024 * 1024 * 1024,
  flushBatchLimit: 256,
  purgeTargetSize: 16 * 1024 * 1024,
  purgeOldEntryMs: 10_000,
  maxCheckpoints: 5,
} as const;

const UPSTREAM: Knobs = {
  ...COMMON,
  checkpointPutFlushes: true,
  kvsSyncFlushes: false,
  kvsUnloadFlushes: false,
  sqliteSchema: "v2",
  fsckAtStart: "repair",
  resourceDrainCheckpoint: true,
};

export interface Preset {
  readonly name: string;
  readonly title: string;
  readonly description: string;
  readonly knobs: Knobs;
}

export const PRESETS = {
  "flux-0.66": {
    name: "flux-0.66",
    title: "flux-core 0.66 (Sep 2024)",
    description:
      "What the ENOSPC discussion (#6236) describes. The cache answers stores once cached; a failed write-back is logged and " +
      "remembered. A synced commit flushes, then checkpoints; but the checkpoint written when the kvs unloads does not flush " +
      "first, so it can name blobs that never reached the disk. One checkpoint row, overwritten each time; no fsck at start.",
    knobs: { ...COMMON, checkpointPutFlushes: false, kvsSyncFlushes: true, kvsUnloadFlushes: false, sqliteSchema: "v1", fsckAtStart: "off", resourceDrainCheckpoint: false },
  },
  upstream: {
    name: "upstream",
    title: "flux-core 0.88 (Aug 2026)",
    description:
      "Flux today. content.checkpoint-put flushes the cache first and writes nothing if that fails (#6240, #6260), so the " +
      "unload checkpoint is never ahead of the disk; the 5 newest checkpoints are kept (checkpt_v2), and rc1 runs `flux fsck --repair` " +
      "when a checkpoint exists (#7082). ENOSPC never corrupts the checkpoint, but freeing space does not heal a running " +
      "instance: only a restart does, losing what came after the last good checkpoint.",
    knobs: UPSTREAM,
  },
  "read-only": {
    name: "read-only",
    title: "Read-only propagation (proposed in #6236)",
    description:
      "garlick's idea in the ENOSPC discussion: on ENOSPC the backing store goes read-only, the cache stops write-back and " +
      "keeps its dirty blobs, and the kvs refuses commits with EROFS while lookups keep working. Nothing more piles up in " +
      "memory and the instance stays inspectable; once space is free an admin runs flux.readWrite(), which writes the dirty " +
      "blobs back and checkpoints. Trade-off: every writer (job eventlogs, job submission) fails with EROFS meanwhile.",
    knobs: { ...UPSTREAM, backingOnEnospc: "read-only", cacheReadOnly: true, kvsReadOnly: true, cacheRetriesFailedWrites: true },
  },
  "fail-hard": {
    name: "fail-hard",
    title: "Fail hard (proposed in #6236)",
    description:
      "The choice garlick and kkier put to admins: on the first ENOSPC the instance goes down hard (exit code 1) instead of " +
      "limping on, and the next start recovers from the last good checkpoint with no manual step. Trade-off: everything " +
      "after that checkpoint is lost at once, and a start fails until space is freed.",
    knobs: { ...UPSTREAM, failHard: true },
  },
  "rc3-hold": {
    name: "rc3-hold",
    title: "Hold rc3 until space is free (proposed in #6236)",
    description:
      "garlick's last idea in the discussion: shut down as usual, but on rank 0 hold rc3 just before unloading the kvs while " +
      "the content flush fails for lack of space, until space is freed; then flush (re-sending the failed writes), " +
      "checkpoint and finish. Nothing is lost if an admin frees space; the instance stays in rc3 (flux.state \"hold\") until then.",
    knobs: { ...UPSTREAM, rc3HoldFreeBytes: 256 * 1024, cacheRetriesFailedWrites: true },
  },
  "separate-checkpoint-db": {
    name: "separate-checkpoint-db",
    title: "Separate checkpoint database (proposed in #6236)",
    description:
      "chu11's idea: checkpoints live in their own small, preallocated SQLite database with journaling off, so writing one " +
      "never needs the main database to grow. When the unload checkpoint cannot flush, the kvs checkpoints the newest root " +
      "whose blobs are all on disk instead of keeping an older one. Trade-off: a second file to manage, and no journal to " +
      "protect that file from a crash in the middle of a write.",
    knobs: { ...UPSTREAM, checkpointDb: "separate", unloadCheckpointFallback: true },
  },
  reserve: {
    name: "reserve",
    title: "Space reservation (PR #6217)",
    description:
      "chu11's PR #6217, set aside in favour of the discussion: content-sqlite holds a reserve file in the statedir and " +
      "releases it at the first ENOSPC, retrying the write, so the instance gets room to flush and checkpoint before the " +
      "disk is really full. Trade-off: it only buys time (another consumer can take the freed space), and the reserve is " +
      "space nobody else may use.",
    knobs: { ...UPSTREAM, reserveBytes: 256 * 1024, cacheRetriesFailedWrites: true },
  },
} as const satisfies Record<PresetName, Preset>;

/** A design as scenario({ policy }), a link or the command line names it: a preset, or a preset and knobs changed from it. */
export type PolicySetting = PresetName | (Partial<Knobs> & { preset?: PresetName });

export function isPresetName(name: unknown): name is PresetName {
  return typeof name === "string" && Object.hasOwn(PRESETS, name);
}

const unknownPolicy = (name: unknown) => new FluxError("EINVAL", `unknown policy ${JSON.stringify(name)}; known: ${Object.keys(PRESETS).join(", ")}`);

/** Resolve a preset name, or a preset plus knob overrides, to a full set of knobs. Unknown names, wrong types and conflicts are refused. */
export function resolvePolicy(policy: PolicySetting | undefined): { name: string; knobs: Knobs } {
  if (policy === undefined) return { name: "upstream", knobs: { ...PRESETS.upstream.knobs } };
  if (typeof policy === "string") {
    if (!isPresetName(policy)) throw unknownPolicy(policy);
    return { name: policy, knobs: { ...PRESETS[policy].knobs } };
  }
  if (typeof policy !== "object" || policy === null || Array.isArray(policy)) throw new FluxError("EINVAL", `a policy is a preset's name or an object of knobs, got ${JSON.stringify(policy)}`);
  const { preset = "upstream", ...overrides } = policy;
  if (!isPresetName(preset)) throw unknownPolicy(preset);
  const base = PRESETS[preset].knobs;
  for (const [key, value] of Object.entries(overrides)) {
    if (!(KNOB_NAMES as readonly string[]).includes(key)) throw new FluxError("EINVAL", `unknown policy knob "${key}"; known: preset, ${KNOB_NAMES.join(", ")}`);
    const problem = knobValueProblem(key as keyof Knobs, value, base[key as keyof Knobs]);
    if (problem) throw new FluxError("EINVAL", problem);
  }
  const name = Object.keys(overrides).length > 0 ? `${preset}+custom` : preset;
  const knobs = { ...base, ...overrides } as Knobs;
  const problems = conflicts(knobs);
  if (problems.length > 0) throw new FluxError("EINVAL", `policy ${name}: ${problems.join("; ")}`);
  return { name, knobs };
}

/** A policy as the command line gives it: a preset's name, or a JSON object of knobs (checked as resolvePolicy checks it). */
export function policyArgument(text: string): PolicySetting {
  if (!text.trimStart().startsWith("{")) {
    if (!isPresetName(text)) throw unknownPolicy(text);
    return text;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new FluxError("EINVAL", `--policy is a preset's name or a JSON object of knobs; this JSON does not parse: ${(e as Error).message}`);
  }
  resolvePolicy(parsed as PolicySetting);
  return parsed as PolicySetting;
}

/** A policy in words: its preset, and the knobs it changes from it as "name=value" (the preset's description says the rest). */
export function describePolicy(policy: PolicySetting | undefined): string {
  if (typeof policy !== "object" || policy === null) return policy ?? "upstream";
  const preset = policy.preset ?? "upstream";
  const base = PRESETS[preset].knobs;
  const changed = Object.entries(policy)
    .filter(([key, value]) => key !== "preset" && base[key as keyof Knobs] !== value)
    .map(([key, value]) => `${key}=${JSON.stringify(value)}`);
  return changed.length > 0 ? `${preset} with ${changed.join(", ")}` : preset;
}
