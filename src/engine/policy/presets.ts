/**
 * Named policies: what Flux shipped at a given release, or a design from the
 * ENOSPC discussion (flux-core issue #6236). Each is a full set of knobs.
 */
import { FluxError } from "../sim/errno.ts";
import { conflicts, KNOB_NAMES, knobValueProblem, type Knobs, type PresetName, type RenamedPresetName } from "./knobs.ts";

export type { PresetName };

const COMMON = {
  checkpointPeriodMs: 0,
  transactionMerge: true,
  backingOnEnospc: "retry",
  failHard: false,
  backingStartsReadOnly: false,
  reserveBytes: 0,
  checkpointDb: "main",
  cacheReadOnly: false,
  cacheRetriesFailedWrites: false,
  safeModeOnEnospc: false,
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
      "first, so it can name blobs that never reached the disk. One checkpoint row, overwritten each time (no older one to " +
      "fall back to). 0.66 had no fsck at all (it came in 0.75): the playground's fsck on a 0.66 statedir is today's tool.",
    knobs: { ...COMMON, checkpointPutFlushes: false, kvsSyncFlushes: true, kvsUnloadFlushes: false, sqliteSchema: "v1", fsckAtStart: "off", resourceDrainCheckpoint: false },
  },
  upstream: {
    name: "upstream",
    title: "flux-core 0.88 (Aug 2026)",
    description:
      "Flux today. Since 0.77 content.checkpoint-put flushes the cache first and writes nothing if that fails (#6260; #6240 " +
      "had put the flush in the kvs, #6260 moved it the same day), so no checkpoint is ever ahead of the disk; the 5 newest " +
      "checkpoints are kept, and rc1 runs `flux fsck --repair` when a checkpoint exists (#7082). If that fsck repairs " +
      "anything it exits 1 and the start fails: an admin starts again. Freeing space does not heal a running instance; a " +
      "restart comes back at the last good checkpoint (a `flux dump` of the live KVS to another filesystem could save more).",
    knobs: UPSTREAM,
  },
  "read-only": {
    name: "read-only",
    title: "Read-only propagation (proposed in #6236)",
    description:
      "garlick's idea, close to chu11's earlier \"backing module failed\" mode, offered as brainstorming: on ENOSPC the " +
      "backing store goes read-only, the cache stops write-back and keeps its dirty blobs, and the kvs refuses commits with " +
      "EROFS while lookups keep working. Nothing more piles up in memory and the instance stays inspectable. In the " +
      "discussion the way back is a restart; flux.readWrite(), which resumes service online, is this playground's extension. " +
      "Trade-off: every writer (job eventlogs, job submission) fails with EROFS meanwhile.",
    knobs: { ...UPSTREAM, backingOnEnospc: "read-only", cacheReadOnly: true, kvsReadOnly: true, cacheRetriesFailedWrites: true },
  },
  "fail-hard": {
    name: "fail-hard",
    title: "Fail hard (proposed in #6236)",
    description:
      "The choice garlick put to admins after talking with kkier: on the first ENOSPC the instance goes down hard instead of " +
      "limping on, and when restarted by hand it recovers from the last good checkpoint. Here the broker exits 1; a system " +
      "instance would have to exit 42 (broker.exit-norestart), or systemd would restart it every 30 s into a start that fails " +
      "while the disk is full. Trade-off: everything after that checkpoint is lost at once, and a start fails until space is freed.",
    knobs: { ...UPSTREAM, failHard: true },
  },
  "rc3-hold": {
    name: "rc3-hold",
    title: "Hold rc3 until space is free (proposed in #6236)",
    description:
      "garlick's last idea in the discussion, which assumes the read-only mode is in place: shut down as usual, but on rank 0 " +
      "hold rc3 just before unloading the kvs, with only the kvs and content modules loaded, while the content flush fails " +
      "for lack of space; once space is freed, flush (re-sending the failed writes), checkpoint and finish. Nothing is lost if " +
      "an admin frees space in time; under systemd a stop that takes over 90 s is killed (TimeoutStopSec=90), so a real hold " +
      "would need a longer stop timeout.",
    knobs: { ...UPSTREAM, rc3HoldFreeBytes: 256 * 1024, cacheRetriesFailedWrites: true },
  },
  "separate-checkpoint-db": {
    name: "separate-checkpoint-db",
    title: "Separate checkpoint database (proposed in #6236)",
    description:
      "chu11's idea: checkpoints live in their own small, preallocated SQLite database with journaling off, so writing one " +
      "never needs the main database to grow (chu11 assumed the failed stores are resolved before that checkpoint is written). " +
      "The playground adds a fallback from another, tentative comment of chu11's (track the last valid rootref): when the " +
      "unload checkpoint cannot flush, the kvs checkpoints the newest root whose blobs are all on disk. Trade-off: a second " +
      "file to manage, and no journal to protect it from a crash in the middle of a write.",
    knobs: { ...UPSTREAM, checkpointDb: "separate", unloadCheckpointFallback: true },
  },
  "reserve-file": {
    name: "reserve-file",
    title: "Reserve file (an idea of this playground, inspired by PR #6217)",
    description:
      "Not a flux-core design: content-sqlite holds a 256 KiB reserve file in the statedir and deletes it at the first ENOSPC, " +
      "then retries the write, so the instance gets room to flush and checkpoint. chu11's PR #6217 (never merged) did something " +
      "else: it grows content.sqlite by free pages at start and, on ENOSPC, turns journaling off and retries into those pages; " +
      "the space never returns to the filesystem. Trade-off here: it only buys time (another consumer can take the freed " +
      "space), and the reserve is space nobody else may use. (Called \"reserve\" before; that name still works.)",
    knobs: { ...UPSTREAM, reserveBytes: 256 * 1024, cacheRetriesFailedWrites: true },
  },
  "safe-mode": {
    name: "safe-mode",
    title: "Safe mode: stop taking jobs (proposed in #6236)",
    description:
      "trws's and garlick's idea: on ENOSPC the instance enters a safe mode, \"a higher level state for the instance that would " +
      "stop/disable queues at least\", so no new work piles up; running jobs go on. Here the content cache disables job " +
      "submission (as `flux queue disable` does) at its first write-back that fails for lack of space; `flux.queue(\"enable\")` " +
      "is the admin's way back. The rest is Flux today: the failed blobs stay dirty, and a restart comes back at the last good " +
      "checkpoint. Trade-off: a refused submission still costs two KVS commits in Flux (job-ingest commits the job, job-manager " +
      "refuses it, job-ingest removes it), so the cache still grows, more slowly; and an earlier safe mode (#4861) confused " +
      "users and was removed (#4898).",
    knobs: { ...UPSTREAM, safeModeOnEnospc: true },
  },
} as const satisfies Record<PresetName, Preset>;

/** A design as scenario({ policy }), a link or the command line names it: a preset, or a preset and knobs changed from it. */
export type PolicySetting = PresetName | RenamedPresetName | (Partial<Knobs> & { preset?: PresetName | RenamedPresetName });

export function isPresetName(name: unknown): name is PresetName {
  return typeof name === "string" && Object.hasOwn(PRESETS, name);
}

/**
 * Presets that were renamed, by their old name: scripts and links written
 * before the rename still run, under the new name. ("reserve" claimed to be
 * PR #6217, which it is not: issue #20.)
 */
export const RENAMED_PRESETS: Readonly<Record<RenamedPresetName, PresetName>> = { reserve: "reserve-file" };

/** A preset's current name, given its current or its old name; anything else unchanged. */
export function currentPresetName(name: string): string {
  return Object.hasOwn(RENAMED_PRESETS, name) ? RENAMED_PRESETS[name as RenamedPresetName] : name;
}

const unknownPolicy = (name: unknown) => new FluxError("EINVAL", `unknown policy ${JSON.stringify(name)}; known: ${Object.keys(PRESETS).join(", ")}`);

/** Resolve a preset name, or a preset plus knob overrides, to a full set of knobs. Unknown names, wrong types and conflicts are refused. */
export function resolvePolicy(policy: PolicySetting | undefined): { name: string; knobs: Knobs } {
  if (policy === undefined) return { name: "upstream", knobs: { ...PRESETS.upstream.knobs } };
  if (typeof policy === "string") policy = currentPresetName(policy) as PresetName;
  if (typeof policy === "string") {
    if (!isPresetName(policy)) throw unknownPolicy(policy);
    return { name: policy, knobs: { ...PRESETS[policy].knobs } };
  }
  if (typeof policy !== "object" || policy === null || Array.isArray(policy)) throw new FluxError("EINVAL", `a policy is a preset's name or an object of knobs, got ${JSON.stringify(policy)}`);
  const { preset: asked = "upstream", ...overrides } = policy;
  const preset = currentPresetName(asked);
  if (!isPresetName(preset)) throw unknownPolicy(asked);
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

/** A policy as the command line, the page's menu and links give it: a preset's name, or a JSON object of knobs (checked as resolvePolicy checks it). */
export function policyArgument(text: string): PolicySetting {
  if (!text.trimStart().startsWith("{")) {
    if (!isPresetName(currentPresetName(text))) throw unknownPolicy(text);
    return currentPresetName(text) as PresetName;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new FluxError("EINVAL", `a policy is a preset's name or a JSON object of knobs; this JSON does not parse: ${(e as Error).message}`);
  }
  resolvePolicy(parsed as PolicySetting);
  return parsed as PolicySetting;
}

/** Why a policy as text (a preset's name or a JSON knob set: the command line, the page's menu, a link) is none; undefined when it is one. */
export function policyTextProblem(text: string): string | undefined {
  try {
    policyArgument(text);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/** A policy in words: its preset, and the knobs it changes from it as "name=value" (not the preset's description: that is of the preset). */
export function describePolicy(policy: PolicySetting | undefined): string {
  if (typeof policy !== "object" || policy === null) return currentPresetName(policy ?? "upstream");
  const preset = currentPresetName(policy.preset ?? "upstream") as PresetName;
  const changed = describeKnobs(preset, { ...PRESETS[preset].knobs, ...policy });
  return changed.length > 0 ? `${preset} with ${changed.join(", ")}` : preset;
}

/** The knobs of `knobs` that differ from `preset`'s, as "name=value", in KNOB_NAMES order. */
export function describeKnobs(preset: PresetName, knobs: Partial<Knobs>): string[] {
  const base = PRESETS[preset].knobs;
  return KNOB_NAMES.filter((name) => Object.hasOwn(knobs, name) && knobs[name] !== base[name]).map((name) => `${name}=${JSON.stringify(knobs[name])}`);
}
