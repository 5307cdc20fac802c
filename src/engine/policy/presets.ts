/**
 * Named policies: what Flux shipped at a given release, or a design from the
 * ENOSPC discussion (flux-core issue #6236). Each is a full set of knobs.
 */
import { FluxError } from "../sim/errno.ts";
import { KNOB_NAMES, type Knobs, type PresetName } from "./knobs.ts";

export type { PresetName };

const COMMON = {
  checkpointPeriodMs: 0,
  contentHash: "sha1",
  blobSizeLimit: 1024 * 1024 * 1024,
  flushBatchLimit: 256,
  purgeTargetSize: 16 * 1024 * 1024,
  purgeOldEntryMs: 10_000,
  maxCheckpoints: 5,
} as const;

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
    knobs: { ...COMMON, checkpointPutFlushes: false, kvsSyncFlushes: true, kvsUnloadFlushes: false, sqliteSchema: "v1", fsckAtStart: "off" },
  },
  upstream: {
    name: "upstream",
    title: "flux-core 0.88 (Aug 2026)",
    description:
      "Flux today. content.checkpoint-put flushes the cache first and writes nothing if that fails (#6260), the kvs flushes " +
      "before its unload checkpoint (#6240), the 5 newest checkpoints are kept (checkpt_v2), and rc1 runs `flux fsck --repair` " +
      "when a checkpoint exists (#7082). ENOSPC never corrupts the checkpoint, but freeing space does not heal a running " +
      "instance: only a restart does, losing what came after the last good checkpoint.",
    knobs: { ...COMMON, checkpointPutFlushes: true, kvsSyncFlushes: false, kvsUnloadFlushes: true, sqliteSchema: "v2", fsckAtStart: "repair" },
  },
} as const satisfies Record<PresetName, Preset>;

export function isPresetName(name: unknown): name is PresetName {
  return typeof name === "string" && Object.hasOwn(PRESETS, name);
}

/** Resolve a preset name, or a preset plus knob overrides, to a full set of knobs. Unknown names are refused. */
export function resolvePolicy(policy: PresetName | (Partial<Knobs> & { preset?: PresetName }) | undefined): { name: string; knobs: Knobs } {
  if (policy === undefined) return { name: "upstream", knobs: { ...PRESETS.upstream.knobs } };
  if (typeof policy === "string") {
    if (!isPresetName(policy)) throw new FluxError("EINVAL", `unknown policy "${policy}"; known: ${Object.keys(PRESETS).join(", ")}`);
    return { name: policy, knobs: { ...PRESETS[policy].knobs } };
  }
  const { preset = "upstream", ...overrides } = policy;
  if (!isPresetName(preset)) throw new FluxError("EINVAL", `unknown policy "${preset}"; known: ${Object.keys(PRESETS).join(", ")}`);
  for (const key of Object.keys(overrides)) {
    if (!(KNOB_NAMES as readonly string[]).includes(key)) throw new FluxError("EINVAL", `unknown policy knob "${key}"; known: ${KNOB_NAMES.join(", ")}`);
  }
  const name = Object.keys(overrides).length > 0 ? `${preset}+custom` : preset;
  return { name, knobs: { ...PRESETS[preset].knobs, ...overrides } };
}
