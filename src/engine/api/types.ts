/**
 * The scenario API's types: the contract of design.md §3. The editor's .d.ts
 * is generated from this file (npm run gen:dts) together with Knobs and
 * PresetName (policy/knobs.ts) and Matchers/Assertion (api/expect.ts); the
 * ScenarioGlobals interface at the end becomes the script's globals.
 */
import type { Assertion } from "./expect.ts";
import type { Knobs, PresetName, RenamedPresetName } from "../policy/knobs.ts";

export interface ScenarioSettings {
  /** Shown in the page and in reports. */
  title?: string;
  /** Size of the statedir filesystem: "8 MiB" (default), "512 KiB", or bytes. */
  disk?: string | number;
  /** A preset name ("upstream", "flux-0.66", ...) or knobs over a preset. Default "upstream". ("reserve" is the old name of "reserve-file".) */
  policy?: PresetName | RenamedPresetName | (Partial<Knobs> & { preset?: PresetName | RenamedPresetName });
  /** Seed of the run's PRNG (bytes(), job ids). Default 1. */
  seed?: number;
  /**
   * Wall-clock time the run may take, in seconds: `60` or `"60 s"`. Default 10, at most 600. A run past it is cut
   * short (and so has no trace hash to share). Read from the script's text before the run: write it as a literal.
   */
  limit?: number | string;
  /**
   * "test" (default): the instance as `flux start` runs it. "system": a site's instance under systemd
   * (flux.service): every `flux shutdown` and every failed start exits 42 and stays down, a crash is restarted
   * 30 s later, a stop longer than 90 s is killed (exit 137).
   */
  instance?: "test" | "system";
}

/** Linux errno names the instance answers with. */
export type Errno =
  | "EPERM" | "ENOENT" | "EIO" | "EAGAIN" | "ENOMEM" | "EBUSY" | "EEXIST" | "ENOTDIR" | "EISDIR" | "EINVAL" | "EFBIG"
  | "ENOSPC" | "EROFS" | "ENOSYS" | "ENOTEMPTY" | "ELOOP" | "EPROTO" | "ECONNRESET" | "EOPNOTSUPP" | "ETIMEDOUT"
  | "ECONNREFUSED" | "ECANCELED" | "ENOTRECOVERABLE";

/** What every failed call rejects with; the message reads like Flux's tools: "content.flush: No space left on device". */
export interface FluxError extends Error {
  /** The errno name, e.g. "ENOSPC". */
  readonly errno: Errno;
  /** The Linux errno number, e.g. 28. */
  readonly code: number;
}

export interface FluxErrorConstructor {
  new (errno: Errno, message?: string): FluxError;
  readonly prototype: FluxError;
}

export type InstanceState = "down" | "rc1" | "run" | "rc3" | "hold" | "failed";

/** A KVS value: a string is stored as UTF-8 text, a Uint8Array as raw bytes, anything else as JSON. */
export type KvsValue = string | Uint8Array | number | boolean | null | readonly unknown[] | { readonly [key: string]: unknown };

export interface CommitResult {
  /** The new root's blobref, e.g. "sha1-…". */
  rootref: string;
  /** The root sequence number after the commit. */
  sequence: number;
}

export interface CommitOptions {
  /** FLUX_KVS_SYNC (`flux kvs put --sync`): flush the content cache and checkpoint the new root before answering. Never merged. */
  sync?: boolean;
  /**
   * FLUX_KVS_NO_MERGE: never merge this commit with others. By default the kvs merges commits that are
   * waiting at the same time (several promises in flight) into one new root, as Flux does.
   */
  noMerge?: boolean;
}

export interface TxnPutOptions {
  /** FLUX_KVS_APPEND: add to the key's value instead of replacing it (as eventlogs grow). */
  append?: boolean;
}

export type PutOptions = CommitOptions & TxnPutOptions;

export interface KvsTxn {
  /** Set a key; with append, add to its value (FLUX_KVS_APPEND, as eventlogs grow). */
  put(key: string, value: KvsValue, opts?: TxnPutOptions): KvsTxn;
  unlink(key: string): KvsTxn;
  mkdir(key: string): KvsTxn;
  symlink(key: string, target: string): KvsTxn;
  /** How many operations the transaction holds. */
  readonly length: number;
}

export interface KvsApi {
  /** One-operation commit (`flux kvs put`). Answers when the blobs are cached, not when they are on disk. */
  put(key: string, value: KvsValue, opts?: PutOptions): Promise<CommitResult>;
  /** The value as it was put (`flux kvs get`). ENOENT for a missing key, EISDIR for a directory. */
  get(key: string): Promise<KvsValue>;
  unlink(key: string, opts?: CommitOptions): Promise<CommitResult>;
  mkdir(key: string, opts?: CommitOptions): Promise<CommitResult>;
  symlink(key: string, target: string, opts?: CommitOptions): Promise<CommitResult>;
  /** Names in a directory (`flux kvs ls`), sorted; the root by default. */
  ls(dir?: string): Promise<string[]>;
  txn(): KvsTxn;
  commit(txn: KvsTxn, opts?: CommitOptions): Promise<CommitResult>;
  /** An empty commit with FLUX_KVS_SYNC: checkpoint the current root. */
  sync(): Promise<CommitResult>;
  getroot(): Promise<CommitResult>;
}

export interface ContentStats {
  count: number;
  valid: number;
  dirty: number;
  size: number;
  "flush-batch-count": number;
}

/** `flux module stats kvs` as flux-core's kvs answers it (the figures this model has), plus the engine's own. */
export interface KvsStats extends Record<string, unknown> {
  namespace: {
    primary: {
      /** Blobs a commit made that the kvs cache already had. */
      "#no-op stores": number;
      /** Commit requests not answered yet. */
      "#transactions": number;
      /** Transactions waiting or in progress (a merged one counts once). */
      "#readytransactions": number;
      /** The root sequence. */
      "store revision": number;
    };
  };
  /** Operations per commit request received. */
  "transaction-opcount": { commit: { count: number; min: number; mean: number; stddev: number; max: number } };
}

export interface ContentApi {
  /** content.store: answers the blobref once the blob is cached (write-back). */
  store(data: string | Uint8Array): Promise<string>;
  load(blobref: string): Promise<Uint8Array>;
  /** `flux content flush`: write back every dirty blob; fails with the backing store's errno. */
  flush(): Promise<void>;
  dropcache(): Promise<void>;
  stats(): Promise<ContentStats>;
}

export interface DiskFileInfo {
  /** File name in the statedir, e.g. "content.sqlite-wal"; a system instance's dumps are "dump/20261124_000000.tgz". */
  name: string;
  path: string;
  bytes: number;
  /** "content-sqlite" for the database and its WAL, "content-dump" for dump/, "other" for other consumers. */
  owner: string;
  /**
   * Set for a symbolic link (dump/RESTORE): the name it points to, as `readlink` prints it ("20261124_000000.tgz",
   * relative to dump/). A link holds no data of its own: its bytes are 0 (tmpfs keeps a short target in the inode).
   */
  link?: string;
}

export interface DiskApi {
  readonly quota: number;
  readonly used: number;
  readonly free: number;
  /** Resize the filesystem ("4 MiB" or bytes). Below what is used, every write that grows a file fails. */
  setQuota(size: string | number): void;
  files(): DiskFileInfo[];
  /** Another consumer writes a file (`dd` until full by default). Returns the file as written. */
  fill(size?: string | number, name?: string): DiskFileInfo;
  /**
   * `rm` a file: another consumer's, or one of dump/ (an admin deleting old dumps, or the RESTORE link). Refused
   * (EBUSY) for a dump still being written and, while the instance is up, for content-sqlite's files, which Flux
   * holds open; while it is down, content-sqlite's files can be removed too.
   */
  remove(file: DiskFileInfo | string): DiskFileInfo;
  /** A flaky disk: the next write to `file` (default "content.sqlite", which covers its WAL) fails once with `errno` (default EIO). */
  failNextWrite(errno?: "EIO" | "ENOSPC", file?: string): void;
  /**
   * Bring in a statedir while the instance is down: content-sqlite's files by name, `content.sqlite` with or
   * without its `content.sqlite-wal` (and `checkpoint.sqlite` of policy checkpointDb "separate"), in place of
   * the ones there. Real flux-core's statedirs load as they are; `flux.start()` then restores what Flux would.
   * The files take their space on the quota (ENOSPC if they do not fit). A statedir opened in the page
   * (Files → Open statedir) or given to the CLI (`--statedir DIR`) is loaded this way before the script starts.
   * @example disk.load({ "content.sqlite": db, "content.sqlite-wal": wal }); await flux.start();
   */
  load(files: Record<string, Uint8Array>): DiskFileInfo[];
  /**
   * Damage the statedir while the instance is down: delete the blobs of `key`'s value (as of the newest checkpoint)
   * from content.sqlite, as `sqlite3 content.sqlite "DELETE FROM objects WHERE hash = ..."` would. The next start's
   * fsck finds "<key>: missing blobref(s)". Answers the blobrefs deleted. EINVAL for a value stored inline.
   */
  removeBlob(key: string): Promise<string[]>;
}

export interface JobOptions {
  /** What each job prints (default "0123456789\n"). */
  output?: string;
  /** How long each job runs, in virtual ms (default 50). */
  runtimeMs?: number;
  /** How many jobs run at once, 1 to 1000 (default 1: one after another). Their commits then merge, as on a busy instance. */
  concurrency?: number;
  /**
   * Submit all n jobs together, as `flux submit --cc=1-n` does, and run `cores` at a time, with the batching
   * job-ingest and job-manager do (their updates within `batchMs` share one KVS commit). Not with `concurrency`.
   */
  atOnce?: boolean;
  /** With atOnce: the cores of the instance, one job on each at a time, 1 to 1000 (default 2, like this machine kind). */
  cores?: number;
  /** With atOnce: job-ingest's and job-manager's batch window in virtual ms, 0 to 1000 (default 10, flux's 0.01 s). */
  batchMs?: number;
}

export interface JobsResult {
  /** Job ids as the KVS names them (dothex: job.<id>). */
  ids: string[];
  output: string[];
}

export interface JobsApi {
  /** Run n jobs (default 1, `concurrency` at a time, or all at once with `atOnce`) that write jobspec, eventlog and output into the KVS as Flux does. Rejects at the first failing commit. */
  submit(n?: number, opts?: JobOptions): Promise<JobsResult>;
}

export interface ShutdownResult {
  /** What the broker exits with: 0, or 1 when rc3 failed; on a system instance always 42 (137 when systemd killed a stop that took over 90 s). */
  exitCode: number;
  errors: string[];
}

export interface FsckOptions {
  /** Repair what is missing (lost+found, as `flux fsck --repair`); only while the instance is down. */
  repair?: boolean;
  /** Check this root instead of the latest checkpoint's. */
  rootref?: string;
}

export interface FsckReport {
  ok: boolean;
  rootref?: string;
  sequence?: number;
  missing: { key: string; kind: "missing-blobref" | "missing-dirref"; blobrefs: string[] }[];
  repaired?: { rootref: string; sequence: number; lostFound: string[]; unlinked: string[] };
}

export interface CheckpointInfo {
  /** 0 is the newest. */
  index: number;
  sequence: number;
  /** Seconds since the epoch, and as a date. */
  timestamp: number;
  date: string;
  rootref: string;
}

export interface DmesgFilter {
  /** Only lines of this module ("content-sqlite", "kvs", "broker", ...). */
  source?: string;
  /** Only lines at this level or more severe ("crit", "err", "warning", "info", "debug"). */
  level?: "emerg" | "alert" | "crit" | "err" | "warning" | "notice" | "info" | "debug";
  /** Only lines whose text matches. */
  match?: string | RegExp;
}

/** What `flux queue status` says of job submission. */
export interface QueueStatus {
  enabled: boolean;
  /** Why submission is disabled. */
  reason?: string;
}

/** The levels of the stack that have a read-only flag (the read-only designs of #6236). */
export type ReadOnlyLevel = "content-sqlite" | "content" | "kvs";

export interface FluxApi {
  /** rc1: content cache, content-sqlite, (fsck), kvs; restores the last checkpoint. Rejects when rc1 fails. */
  start(): Promise<void>;
  /** rc3; never rejects for a failed rc3: look at exitCode and errors. */
  shutdown(): Promise<ShutdownResult>;
  /** A broker crash (kill -9): all memory is gone, the statedir keeps exactly what was written. (Not a power loss: Flux's SQLite, synchronous=NORMAL, may then lose its newest transactions.) */
  crash(): void;
  readonly state: InstanceState;
  /** Broker log lines, like `flux dmesg`. */
  dmesg(filter?: string | RegExp | DmesgFilter): string[];
  /** Like `flux module stats kvs`: merged commits show as a store revision that advanced by less than the commit count. */
  stats(module: "kvs"): Promise<KvsStats>;
  /** Like `flux module stats <module>`. */
  stats(module: "content" | "content-sqlite" | "kvs"): Promise<Record<string, unknown>>;
  /** Like `flux fsck`: check the latest checkpoint (or rootref) against the backing store; repair only while down. */
  fsck(opts?: FsckOptions): Promise<FsckReport>;
  /**
   * `flux startlog`: one line per run of the instance, from the KVS's admin.eventlog, e.g.
   * "2026-11-24 00:00 - 2026-11-24 00:05 (5m)", "2026-11-24 00:05 - crashed", "2026-11-24 00:06 - running (30s)".
   * Needs a running instance, as the command does.
   */
  startlog(): Promise<string[]>;
  /** Like `flux content checkpoint list`: newest first. Works while down too (reads the statedir). */
  checkpoints(): Promise<CheckpointInfo[]>;
  /** `flux module remove content-sqlite`: the content cache loses its backing store; stores stay dirty, flush fails ENOSYS. */
  moduleRemove(name: "content-sqlite"): Promise<void>;
  /** `flux module load content-sqlite`: the backing store registers and the cache writes back what is dirty. */
  moduleLoad(name: "content-sqlite"): Promise<void>;
  /**
   * Policy "read-only": the admin's way back once space is free. Clears the read-only flag of
   * content-sqlite, the content cache and the kvs, writes back what stayed dirty, and checkpoints
   * (an empty FLUX_KVS_SYNC commit). Rejects (and everything goes read-only again) if that fails.
   */
  readWrite(): Promise<CommitResult>;
  /** What the broker exited with when the instance last stopped (a test instance: 0, or 1 after a failed rc3, fail-hard or a failed start; a system instance: 42, or 137 for a stop systemd killed); null while it is up or after a crash. */
  readonly exitCode: number | null;
  /**
   * `flux queue enable`, `flux queue disable --message=REASON`, `flux queue status`: job-manager's queue. While it is
   * disabled every submission fails ("job submission is disabled: REASON", EINVAL), after job-ingest has committed
   * the job and before it removes it again (two KVS commits per refused job, as in Flux). The safe-mode policy disables
   * it at the first ENOSPC.
   */
  queue(action: "enable" | "disable" | "status", reason?: string): Promise<QueueStatus>;
  /**
   * Set or clear one level's read-only flag (a proposal of #6236, no flux-core release has it): content-sqlite and the
   * content cache then answer stores with EROFS, the kvs refuses commits with EROFS. Clearing the cache's flag writes
   * back what stayed dirty and rejects as a flush does if that fails.
   */
  setReadOnly(level: ReadOnlyLevel, readOnly: boolean): Promise<void>;
}

export interface SimApi {
  /** Virtual time in ms since the run began. */
  now(): number;
  /** Let `ms` of virtual time pass (write-back, heartbeats, checkpoint periods run meanwhile). */
  advance(ms: number): Promise<void>;
  /** Run until nothing but periodic timers is left. */
  settle(): Promise<void>;
}

/** The globals every scenario script sees. */
export interface ScenarioGlobals {
  /** Settings for this run; call it first, before anything touches the instance or its disk. */
  scenario(settings: ScenarioSettings): void;
  /** The instance: start, shutdown, crash, dmesg, stats, fsck, checkpoints. */
  flux: FluxApi;
  /** The primary KVS namespace, as `flux kvs` sees it. */
  kvs: KvsApi;
  /** The rank-0 content cache, as `flux content` sees it. */
  content: ContentApi;
  /** The statedir filesystem, with a quota. */
  disk: DiskApi;
  /** A job workload writing what Flux jobs write. */
  jobs: JobsApi;
  /** Virtual time. */
  sim: SimApi;
  /** Print to the console (the page's console panel, the CLI's output). */
  log(...values: unknown[]): void;
  /** A vitest-like subset: toBe, toEqual, toContain, toMatch, ..., .not, .resolves, .rejects.toThrow(errno | text | RegExp). */
  expect(value: unknown): Assertion;
  /** n deterministic pseudo-random bytes: from the run's seed, or from `seed` (the same bytes every time). */
  bytes(n: number, seed?: number): Uint8Array;
  FluxError: FluxErrorConstructor;
}
