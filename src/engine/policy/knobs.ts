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
  /** kvs: flush the content cache before the checkpoint written at unload (flux-core #6240; #6260 removed it again before 0.77 was tagged, so no release had it). */
  kvsUnloadFlushes: boolean;
  /**
   * kvs: merge adjacent ready transactions into one (module option transaction-merge, on by default in
   * every release): fewer roots under load; FLUX_KVS_SYNC and FLUX_KVS_NO_MERGE commits never merge.
   */
  transactionMerge: boolean;
  /**
   * resource module: at unload, checkpoint the drain state with a FLUX_KVS_SYNC commit of checkpoint.resource
   * (drain_checkpoint, flux-core 0.86+); it fails (and is logged) or waits as any synced commit does.
   */
  resourceDrainCheckpoint: boolean;
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
  /**
   * content-sqlite: after an ENOSPC, "retry" each later store (Flux today), go "read-only" and answer EROFS (#6236), or
   * "close" the database (garlick in #6236: "content-sqlite should just close the database after we get an ENOSPC"):
   * the next request of any kind reopens it first, with content-sqlite's own open steps, and fails with the reopen's
   * errno while that fails.
   */
  backingOnEnospc: "retry" | "read-only" | "close";
  /** content-sqlite: on an ENOSPC, ask the broker to stop the instance at once (fail hard, recover at the next start; #6236). */
  failHard: boolean;
  /** content-sqlite: bytes held in a reserve file, deleted at the first ENOSPC so the failed write can be retried (this playground's idea; PR #6217 preallocated inside the database instead); 0 for none. */
  reserveBytes: number;
  /** content-sqlite: start read-only, answering stores and checkpoints with EROFS until set read-write (garlick in #6236: "useful for recovery"). */
  backingStartsReadOnly: boolean;
  /** content-sqlite: checkpoints in the main database, or in a small preallocated one with journaling off (#6236). */
  checkpointDb: "main" | "separate";
  /** content cache: go read-only when a write-back fails with ENOSPC or EROFS: stop write-back, keep dirty blobs, answer EROFS. */
  cacheReadOnly: boolean;
  /** content cache: a flush re-sends entries whose write-back failed (Flux never retries them by itself). */
  cacheRetriesFailedWrites: boolean;
  /**
   * content cache: at the first write-back that fails with ENOSPC, disable job submission (`flux queue disable`) so no
   * new work piles up; running jobs go on (the safe mode of #6236: trws, garlick). `flux.queue("enable")` undoes it.
   */
  safeModeOnEnospc: boolean;
  /** kvs: go read-only when a content.store fails with EROFS: refuse commits with EROFS, keep serving lookups. */
  kvsReadOnly: boolean;
  /** kvs: when the unload checkpoint cannot flush, checkpoint instead the newest root whose blobs are all on disk. */
  unloadCheckpointFallback: boolean;
  /** broker rc3: before unloading the kvs, hold while the flush fails for lack of space, until this much is free (0: no hold). */
  rc3HoldFreeBytes: number;
  /** content cache: purge clean entries while the cache is over this size (purge-target-size)... */
  purgeTargetSize: number;
  /** ...and they have not been used for this long (purge-old-entry, seconds in flux; ms here). */
  purgeOldEntryMs: number;
}

/** The named policies (presets.ts holds their knobs and descriptions). */
export type PresetName = "flux-0.66" | "upstream" | "read-only" | "fail-hard" | "rc3-hold" | "separate-checkpoint-db" | "reserve-file" | "safe-mode";
/** @deprecated "reserve" is now "reserve-file" (it is this playground's idea, not PR #6217); the old name still runs. */
export type RenamedPresetName = "reserve";

export const KNOB_NAMES = [
  "checkpointPutFlushes",
  "kvsSyncFlushes",
  "kvsUnloadFlushes",
  "checkpointPeriodMs",
  "transactionMerge",
  "resourceDrainCheckpoint",
  "sqliteSchema",
  "maxCheckpoints",
  "fsckAtStart",
  "contentHash",
  "blobSizeLimit",
  "flushBatchLimit",
  "purgeTargetSize",
  "purgeOldEntryMs",
  "backingOnEnospc",
  "failHard",
  "backingStartsReadOnly",
  "reserveBytes",
  "checkpointDb",
  "cacheReadOnly",
  "cacheRetriesFailedWrites",
  "safeModeOnEnospc",
  "kvsReadOnly",
  "unloadCheckpointFallback",
  "rc3HoldFreeBytes",
] as const satisfies readonly (keyof Knobs)[];

/** The values a knob that is a choice may take (the others are numbers or flags, typed by their preset's value). */
export const KNOB_CHOICES: Partial<Record<keyof Knobs, readonly string[]>> = {
  sqliteSchema: ["v1", "v2"],
  fsckAtStart: ["off", "check", "repair"],
  contentHash: ["sha1", "sha256"],
  backingOnEnospc: ["retry", "read-only", "close"],
  checkpointDb: ["main", "separate"],
};

/** Why a knob's value is not one it may take, or undefined when it may: `like` is any valid value of the knob. */
export function knobValueProblem(name: keyof Knobs, value: unknown, like: unknown): string | undefined {
  const choices = KNOB_CHOICES[name];
  if (choices) return choices.includes(value as string) ? undefined : `knob ${name} is one of ${choices.map((c) => JSON.stringify(c)).join(", ")}, got ${JSON.stringify(value)}`;
  if (typeof like === "boolean") return typeof value === "boolean" ? undefined : `knob ${name} is true or false, got ${JSON.stringify(value)}`;
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? undefined : `knob ${name} is a number >= 0, got ${JSON.stringify(value)}`;
}

/** Knob combinations that cannot work together, with the reason the user sees. */
export function conflicts(k: Knobs): string[] {
  const problems: string[] = [];
  if (k.failHard && k.rc3HoldFreeBytes > 0) problems.push("failHard and rc3HoldFreeBytes cannot be combined: fail-hard stops the instance without running rc3");
  if (k.failHard && k.backingOnEnospc !== "retry") problems.push(`failHard and backingOnEnospc "${k.backingOnEnospc}" cannot be combined: the instance stops before the backing store could ${k.backingOnEnospc === "close" ? "reopen its database" : "be read-only"}`);
  if (k.kvsReadOnly && !k.cacheReadOnly && k.backingOnEnospc !== "read-only") problems.push("kvsReadOnly needs cacheReadOnly or backingOnEnospc \"read-only\": nothing would ever answer the kvs with EROFS");
  if (k.unloadCheckpointFallback && !k.checkpointPutFlushes) problems.push("unloadCheckpointFallback needs checkpointPutFlushes: without a flush there is nothing to fall back from");
  return problems;
}
