/**
 * ENOSPC behaviour as data. Each knob is read by the one module it concerns;
 * a policy preset is a named set of knobs (presets.ts). Adding a policy adds
 * knobs or presets, never a fork of a module.
 */
export interface Knobs {
  /** content cache: content.checkpoint-put flushes the cache first and refuses to checkpoint if that fails (flux-core #6260, 0.77). */
  checkpointPutFlushes: boolean;
  /** kvs: a FLUX_KVS_SYNC commit sends content.flush itself before content.checkpoint-put (kvstxn's SYNC_CONTENT_FLUSH state, before 0.77). */
  kvsSyncFlushes: boolean;
  /** kvs: flush the content cache before the checkpoint written at unload (flux-core #6240, 0.77). */
  kvsUnloadFlushes: boolean;
  /** kvs: kvs.checkpoint-period in ms (flush + checkpoint periodically), or 0 for none (flux's default). */
  checkpointPeriodMs: number;
  /** content-sqlite: table layout. "v1": objects(hash,size,object) and one checkpoint row in checkpt (0.66); "v2": objects with epoch, checkpt_v2 history (0.77+). */
  sqliteSchema: "v1" | "v2";
  /** content-sqlite: checkpoints kept in checkpt_v2 (max-checkpoints, default 5). */
  maxCheckpoints: number;
  /** broker rc1: run `flux fsck` when a checkpoint exists (0.80+, #7082): "off", "check" (report only) or "repair". */
  fsckAtStart: "off" | "check" | "repair";
  /** content cache: the hash of blobrefs (broker attribute content.hash). */
  contentHash: "sha1" | "sha256";
  /** content cache: largest blob accepted (blob-size-limit, 1 GiB by default). */
  blobSizeLimit: number;
  /** content cache: content-backing.store requests in flight at most (flush-batch-limit). */
  flushBatchLimit: number;
  /** content cache: purge clean entries while the cache is over this size (purge-target-size)... */
  purgeTargetSize: number;
  /** ...and they have not been used for this long (purge-old-entry, seconds in flux; ms here). */
  purgeOldEntryMs: number;
}

/** The named policies (presets.ts holds their knobs and descriptions). */
export type PresetName = "flux-0.66" | "upstream";

export const KNOB_NAMES = [
  "checkpointPutFlushes",
  "kvsSyncFlushes",
  "kvsUnloadFlushes",
  "checkpointPeriodMs",
  "sqliteSchema",
  "maxCheckpoints",
  "fsckAtStart",
  "contentHash",
  "blobSizeLimit",
  "flushBatchLimit",
  "purgeTargetSize",
  "purgeOldEntryMs",
] as const satisfies readonly (keyof Knobs)[];
