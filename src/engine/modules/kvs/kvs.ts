/**
 * The KVS module on rank 0 (flux-core src/modules/kvs): the primary
 * namespace as a content-addressed hash tree of RFC 11 objects.
 *
 * A commit applies its transaction copy-on-write, stores the new blobs with
 * content.store, and answers once the content cache has them: cached, not
 * on disk. FLUX_KVS_SYNC additionally checkpoints the new root (and, before
 * 0.77, flushes first); the root is published only if that succeeds.
 * Commits are processed one at a time in order, so one stuck behind a flush
 * holds back all that come after it; adjacent ready commits are merged into
 * one (merge.ts), as flux-core does. Guest namespaces (namespace.ts) have
 * their own root and queue; only the primary is checkpointed.
 */
import { blobref } from "../../common/blobref.ts";
import { concatBytes } from "../../common/bytes.ts";
import type { Endpoint, Message, Response } from "../../sim/bus.ts";
import { COSTS } from "../../sim/costs.ts";
import type { Errno } from "../../sim/errno.ts";
import type { ScheduledEvent } from "../../sim/scheduler.ts";
import type { Knobs } from "../../policy/knobs.ts";
import type { Checkpoint } from "../content-sqlite/content-sqlite.ts";
import type { Done, FluxModule } from "../module.ts";
import { formatTimestamp, wallClockSeconds } from "../../sim/wallclock.ts";
import { fallbackParts, requestsOf, takeReady, type Transaction } from "./merge.ts";
import { newNamespace, PRIMARY_NAMESPACE, transactionsOf, type KvsRoot, type Namespace } from "./namespace.ts";
import { Tstat } from "./tstat.ts";
import { applyOps, type KvsOp } from "./txn.ts";
import { parseKey } from "./key.ts";
import { decode, dir, dirEntry, encode, fromBase64, type DirObj, type TreeObj } from "./treeobj.ts";

export type { KvsOp } from "./txn.ts";
export type { KvsRoot } from "./namespace.ts";

export interface KvsSnapshot {
  root: KvsRoot | null;
  /** Commits refused with EROFS (policy kvsReadOnly). */
  readOnly: boolean;
  /** Sequence of the last checkpoint this kvs wrote or restored. */
  lastCheckpointSequence: number;
  /** Commits waiting or in progress (one at a time, in order). */
  commitQueue: number;
  cacheEntries: number;
}

export interface KvsCommitRequest {
  ops: KvsOp[];
  sync?: boolean;
  /** FLUX_KVS_NO_MERGE */
  noMerge?: boolean;
  /** The namespace to commit to (default primary). */
  namespace?: string;
}

interface KvsCacheEntry {
  data: Uint8Array;
  lastUsed: number;
}

/**
 * How many parsed directories are kept beside the cache's blobs. A commit
 * only walks the newest root's path, so a few suffice; keeping one parsed
 * copy of every cached directory (thousands of objects of hundreds of
 * entries each) more than doubled the time spent collecting garbage
 * (--trace-gc over two 5 000-put runs: 1.6 s of scavenges, 0.7 s without).
 * But a workload that writes to more directories than are kept, in turn,
 * parses each again and encodes it afresh on every commit: with 32 kept, the
 * page bench's puts to 40 directories spent a quarter of their CPU time so
 * (five runs each: 0.89-2.10 s with 32, 0.58-1.46 s with 128; t0090 and the
 * 5 000 dothex puts unchanged).
 */
const PARSED_DIRS_MAX = 128;

/** The kvs cache drops entries unused for this long (kvs max_lastuse_age). */
const CACHE_MAX_AGE_MS = 10_000;
const SYMLINK_MAX_DEPTH = 10;

type Knob = Pick<Knobs, "contentHash" | "kvsSyncFlushes" | "kvsUnloadFlushes" | "checkpointPeriodMs" | "kvsReadOnly" | "unloadCheckpointFallback" | "transactionMerge">;

/** A root published since the last checkpoint, with the blobs its commit stored (for finding the newest root that is all on disk). */
interface PublishedRoot {
  root: KvsRoot;
  blobs: string[];
}

export class Kvs implements FluxModule {
  readonly name = "kvs";
  /** The primary namespace, once loaded. */
  private primary: Namespace | undefined;
  /** Guest namespaces by name (kvs.namespace-create). */
  private guests = new Map<string, Namespace>();
  /** The empty directory's blobref: a new namespace's root. */
  private emptyRef = "";
  private cache = new Map<string, KvsCacheEntry>();
  /** Parsed directories by blobref, least recently used first (a use re-inserts). */
  private parsedDirs = new Map<string, DirObj>();
  private lastCheckpointSeq = -1;
  private checkpointTimer: ScheduledEvent | undefined;
  private unloading = false;
  private readOnly = false;
  /** Roots published since the last checkpoint, oldest first, with the blobs each commit stored. */
  private published: PublishedRoot[] = [];
  /** Operations per commit request (kvs.c txn_commit_stats). */
  private opcount = new Tstat();
  /** Blobs a commit made that the kvs cache already had (kvstxn "no-op stores"). */
  private noopStores = 0;

  constructor(
    private readonly h: Endpoint,
    private readonly knobs: Knob,
  ) {}

  // --- load / unload ------------------------------------------------------

  load(done: Done): void {
    const empty = encode(dir());
    const emptyRef = (this.emptyRef = blobref(this.knobs.contentHash, empty));
    this.remember(emptyRef, empty);
    this.h.rpc("content.store", empty, (stored) => {
      if (!stored.ok) {
        this.h.logError("err", "store_initial_rootdir", stored.errno);
        return done(stored.errno);
      }
      this.h.rpc("content.checkpoint-get", {}, (r) => {
        const latest = r.ok ? (r.payload as { value: Checkpoint[] }).value[0] : undefined;
        if (latest) this.h.log("info", `restored KVS from checkpoint on ${formatTimestamp(latest.timestamp)}`);
        this.primary = newNamespace(PRIMARY_NAMESPACE, { rootref: emptyRef, sequence: 0 });
        this.setroot(this.primary, latest ? { rootref: latest.rootref, sequence: latest.sequence } : { rootref: emptyRef, sequence: 0 });
        this.lastCheckpointSeq = this.primary.root.sequence;
        this.h.serve("kvs.commit", (msg) => this.onCommit(msg));
        this.h.serve("kvs.lookup", (msg) => this.onLookup(msg));
        this.h.serve("kvs.getroot", (msg) => this.onGetroot(msg));
        this.h.serve("kvs.namespace-create", (msg) => this.onNamespaceCreate(msg));
        this.h.serve("kvs.namespace-remove", (msg) => this.onNamespaceRemove(msg));
        this.h.serve("kvs.stats-get", (msg) => this.h.respond(msg, this.stats()));
        this.h.serve("kvs.set-readonly", (msg) => this.onSetReadOnly(msg));
        this.startCheckpointPeriod();
        done();
      });
    });
  }

  /** rc3: fail what is pending, then checkpoint the primary root (flushing first where the policy says so). */
  unload(unloaded: Done): void {
    const done: Done = (errno) => {
      this.h.close();
      unloaded(errno);
    };
    this.unloading = true;
    this.h.bus.sched.cancel(this.checkpointTimer);
    this.h.stopServing();
    for (const ns of this.namespaces()) {
      for (const msg of transactionsOf(ns).flatMap(requestsOf)) {
        this.h.respondError(msg, "ENOSYS");
        this.h.log("err", "failing pending 'kvs.commit' request");
      }
      ns.queue.length = 0;
      ns.active = undefined;
    }
    const root = this.primary!.root;
    const checkpoint = (): void => {
      this.h.rpc("content.checkpoint-put", { value: this.checkpointValue(root) }, (r) => {
        if (!r.ok && r.errno !== "ENOSYS") {
          this.h.logError("err", "error saving primary KVS checkpoint", r.errno);
          if (this.knobs.unloadCheckpointFallback) return this.checkpointLastSafeRoot((errno) => done(errno ? r.errno : undefined));
          return done(r.errno);
        }
        done();
      });
    };
    if (!this.knobs.kvsUnloadFlushes) return checkpoint();
    this.h.rpc("content.flush", {}, (r) => {
      if (!r.ok) {
        this.h.logError("err", "error saving primary KVS checkpoint", r.errno);
        return done(r.errno);
      }
      checkpoint();
    });
  }

  crash(): void {
    this.h.bus.sched.cancel(this.checkpointTimer);
    this.h.close();
  }

  /** Heartbeat: expire cache entries nobody used lately. */
  heartbeat(): void {
    const now = this.h.now();
    // forEach, not for-of: destructuring each [ref, entry] pair allocated an array per entry, every heartbeat (15 MB in a t0090 run)
    this.cache.forEach((entry, ref) => now - entry.lastUsed > CACHE_MAX_AGE_MS && this.cache.delete(ref));
  }

  /** What the page shows of the kvs; read-only. */
  snapshot(): KvsSnapshot {
    return {
      root: this.getRoot() ?? null,
      readOnly: this.readOnly,
      lastCheckpointSequence: this.lastCheckpointSeq,
      commitQueue: this.primary ? transactionsOf(this.primary).length : 0,
      cacheEntries: this.cache.size,
    };
  }

  getRoot(): KvsRoot | undefined {
    return this.primary && { ...this.primary.root };
  }

  /**
   * `flux module stats kvs`: flux-core's namespace and transaction-opcount
   * figures (merging shows as a "store revision" that advanced by fewer than
   * the commit count), plus the engine's own.
   */
  stats() {
    const namespace = (ns: Namespace) => ({
      "#transactions": transactionsOf(ns).flatMap(requestsOf).length,
      "#readytransactions": transactionsOf(ns).length,
      "store revision": ns.root.sequence,
    });
    const guests = Object.fromEntries([...this.guests.values()].map((ns) => [ns.name, namespace(ns)]));
    const primary = this.primary;
    return {
      "cache-count": this.cache.size,
      "commit-queue": primary ? transactionsOf(primary).length : 0,
      sequence: primary?.root.sequence ?? null,
      rootref: primary?.root.rootref ?? null,
      "last-checkpoint-sequence": this.lastCheckpointSeq,
      namespace: {
        primary: { "#no-op stores": this.noopStores, ...(primary ? namespace(primary) : { "#transactions": 0, "#readytransactions": 0, "store revision": 0 }) },
        ...guests,
      },
      "transaction-opcount": { commit: this.opcount.toJSON() },
    };
  }

  // --- commit -------------------------------------------------------------

  private onCommit(msg: Message): void {
    const request = msg.payload as KvsCommitRequest;
    if (!Array.isArray(request?.ops)) return this.h.respondError(msg, "EPROTO");
    if (this.readOnly) return this.h.respondError(msg, "EROFS");
    const ns = this.namespaceOf(msg, request.namespace);
    if (!ns) return;
    // kvstxn.c kvstxn_process: FLUX_KVS_SYNC checkpoints, and only the primary namespace is checkpointed
    if (request.sync === true && ns !== this.primary) return this.h.respondError(msg, "EINVAL");
    this.h.work(COSTS.kvsRequestMs);
    this.opcount.push(request.ops.length);
    this.enqueue(ns, { msg, ops: request.ops, sync: request.sync === true, noMerge: request.noMerge === true, internal: false });
  }

  /** The namespace a request names (primary when none), or undefined once it is answered EOPNOTSUPP as kvs.c getroot answers ENOTSUP. */
  private namespaceOf(msg: Message, name: unknown): Namespace | undefined {
    if (name !== undefined && typeof name !== "string") return void this.h.respondError(msg, "EPROTO");
    const ns = name === undefined || name === PRIMARY_NAMESPACE ? this.primary : this.guests.get(name);
    if (!ns) this.h.respondError(msg, "EOPNOTSUPP");
    return ns;
  }

  private namespaces(): Namespace[] {
    return [...(this.primary ? [this.primary] : []), ...this.guests.values()];
  }

  private enqueue(ns: Namespace, txn: Transaction): void {
    ns.queue.push(txn);
    this.processNext(ns);
  }

  private processNext(ns: Namespace): void {
    if (ns.active || this.unloading) return;
    const txn = takeReady(ns.queue, this.knobs.transactionMerge);
    if (!txn) return;
    ns.active = txn;
    this.h.work(COSTS.kvsTxnMs);
    this.applyTransaction(ns, txn);
  }

  /** Build the new root; when a directory it needs is not cached, load it and start over (as kvstxn does). */
  private applyTransaction(ns: Namespace, txn: Transaction): void {
    if (ns.active !== txn) return;
    const root = ns.root;
    const rootDir = txn.internal ? undefined : this.takeDir(root.rootref);
    if (!txn.internal && !rootDir) return this.loadThen(ns, [root.rootref], txn, () => this.applyTransaction(ns, txn));
    const result = txn.internal
      ? { newRoot: root.rootref, blobs: new Map<string, Uint8Array>(), dirs: new Map<string, DirObj>() }
      : applyOps(rootDir!, txn.ops, { hash: this.knobs.contentHash, dirOf: (ref) => this.takeDir(ref), owned: true });
    if ("missing" in result) return this.loadThen(ns, result.missing, txn, () => this.applyTransaction(ns, txn));
    if ("errno" in result) return this.finish(ns, txn, result.errno);
    this.storeBlobs(ns, txn, result.newRoot, result.blobs, result.dirs);
  }

  /**
   * content.store every blob the kvs cache does not have yet; the commit
   * waits for all of them. They go in the reverse of the order the commit
   * made them, the root first and the first-made value last, as kvstxn.c
   * pushes each new blob to the front of its list and kvs.c pops from the
   * front. The cache writes each back as it arrives, so a big value that
   * hits ENOSPC is its commit's last write-back and its errno stays
   * remembered (flux-model.md §6, §13 C).
   */
  private storeBlobs(ns: Namespace, txn: Transaction, newRoot: string, blobs: Map<string, Uint8Array>, dirs: Map<string, DirObj>): void {
    const fresh = [...blobs].filter(([ref]) => !this.cache.has(ref)).reverse();
    this.noopStores += blobs.size - fresh.length;
    let waiting = fresh.length;
    let failed: Errno | undefined;
    if (waiting === 0) return this.afterStores(ns, txn, undefined, newRoot);
    this.h.work(COSTS.kvsBlobMs * fresh.length);
    for (const [ref, data] of fresh) {
      this.h.rpc("content.store", data, (r) => {
        if (r.ok) this.remember(ref, data, dirs.get(ref));
        else failed ??= r.errno;
        if (!r.ok && r.errno === "EROFS" && this.knobs.kvsReadOnly && !this.readOnly) this.setReadOnly(true, "after content.store failed with EROFS");
        if (--waiting === 0 && ns.active === txn) this.afterStores(ns, txn, failed, newRoot);
      });
    }
    txn.stored = fresh.map(([ref]) => ref);
  }

  /** Every blob of the commit is stored (or one failed): a sync commit checkpoints, any other is done. */
  private afterStores(ns: Namespace, txn: Transaction, failed: Errno | undefined, newRoot: string): void {
    if (failed) return this.finish(ns, txn, failed);
    if (txn.sync) this.syncCheckpoint(ns, txn, newRoot);
    else this.finish(ns, txn, undefined, newRoot);
  }

  /** FLUX_KVS_SYNC: (flush, before 0.77) then checkpoint the new root; any error fails the commit. */
  private syncCheckpoint(ns: Namespace, txn: Transaction, newRoot: string): void {
    const sequence = txn.internal ? ns.root.sequence : ns.root.sequence + 1;
    const put = (): void => {
      this.h.rpc("content.checkpoint-put", { value: this.checkpointValue({ rootref: newRoot, sequence }) }, (r) => {
        if (ns.active !== txn) return;
        if (!r.ok) return this.finish(ns, txn, r.errno);
        this.lastCheckpointSeq = sequence;
        this.finish(ns, txn, undefined, newRoot);
      });
    };
    if (!this.knobs.kvsSyncFlushes) return put();
    this.h.rpc("content.flush", {}, (r) => {
      if (ns.active !== txn) return;
      if (!r.ok) return this.finish(ns, txn, r.errno);
      put();
    });
  }

  private finish(ns: Namespace, txn: Transaction, errno: Errno | undefined, newRoot?: string): void {
    if (ns.active !== txn) return;
    ns.active = undefined;
    const parts = errno && fallbackParts(txn, errno);
    if (parts) {
      ns.queue.unshift(...parts);
    } else if (errno) {
      for (const msg of requestsOf(txn)) this.h.respondError(msg, errno);
      if (txn.internal) this.h.logError("debug", "checkpoint-period", errno);
    } else if (!txn.internal) {
      this.setroot(ns, { rootref: newRoot!, sequence: ns.root.sequence + 1 });
      if (ns === this.primary) this.notePublished(txn);
      if (txn.parts) this.h.log("debug", `aggregated ${txn.parts.length} transactions (${txn.ops.length} ops)`);
      for (const msg of requestsOf(txn)) this.h.respond(msg, { ...ns.root });
    } else {
      this.published = []; // a periodic checkpoint covers everything published so far
    }
    this.processNext(ns);
  }

  /** A primary root is published: a sync commit's is checkpointed; any other is remembered until the next checkpoint. */
  private notePublished(txn: Transaction): void {
    if (txn.sync) this.published = [];
    else this.published.push({ root: { ...this.primary!.root }, blobs: txn.stored ?? [] });
  }

  // --- namespaces ---------------------------------------------------------

  private onGetroot(msg: Message): void {
    const ns = this.namespaceOf(msg, (msg.payload as { namespace?: unknown } | undefined)?.namespace);
    if (ns) this.h.respond(msg, { ...ns.root });
  }

  /** kvs.c namespace_create_request_cb: a new namespace starts from an empty directory (EEXIST if it is there). */
  private onNamespaceCreate(msg: Message): void {
    const name = (msg.payload as { namespace?: unknown } | undefined)?.namespace;
    if (typeof name !== "string" || name === "") return this.h.respondError(msg, "EPROTO");
    if (name === PRIMARY_NAMESPACE || this.guests.has(name)) return this.h.respondError(msg, "EEXIST");
    this.guests.set(name, newNamespace(name, { rootref: this.emptyRef, sequence: 0 }));
    this.h.respond(msg, {});
  }

  /** kvs.c namespace_remove_request_cb: the primary cannot be removed (EINVAL); its pending commits fail with ENOTSUP. */
  private onNamespaceRemove(msg: Message): void {
    const name = (msg.payload as { namespace?: unknown } | undefined)?.namespace;
    if (typeof name !== "string") return this.h.respondError(msg, "EPROTO");
    if (name === PRIMARY_NAMESPACE) return this.h.respondError(msg, "EINVAL");
    const ns = this.guests.get(name);
    this.guests.delete(name);
    for (const waiting of ns ? transactionsOf(ns).flatMap(requestsOf) : []) this.h.respondError(waiting, "EOPNOTSUPP");
    if (ns) ns.active = undefined;
    this.h.respond(msg, {});
  }

  private setReadOnly(readOnly: boolean, why: string): void {
    this.readOnly = readOnly;
    this.h.log(readOnly ? "err" : "info", readOnly ? `read-only ${why}: commits fail with EROFS` : `read-write ${why}`);
  }

  private onSetReadOnly(msg: Message): void {
    const readOnly = (msg.payload as { readonly?: unknown }).readonly;
    if (typeof readOnly !== "boolean") return this.h.respondError(msg, "EPROTO");
    if (readOnly !== this.readOnly) this.setReadOnly(readOnly, "on request");
    this.h.respond(msg, {});
  }

  /**
   * Policy unloadCheckpointFallback: the unload checkpoint could not flush, so
   * checkpoint the newest published root whose commit, and every commit
   * before it, has all its blobs in the backing store (asked with
   * content-backing.validate), writing it straight to the backing store.
   */
  private checkpointLastSafeRoot(done: (errno?: Errno) => void): void {
    const roots = this.published;
    if (roots.length === 0) return done("ENOENT");
    const refs = [...new Set(roots.flatMap((p) => p.blobs))];
    const missing = new Set<string>();
    let waiting = refs.length;
    const decide = () => {
      const firstBad = roots.findIndex((p) => p.blobs.some((ref) => missing.has(ref)));
      const safe = firstBad === -1 ? roots.at(-1) : roots[firstBad - 1];
      if (!safe) {
        this.h.log("err", "no root published since the last checkpoint is all on disk; keeping the last checkpoint");
        return done("ENOENT");
      }
      this.h.rpc("content-backing.checkpoint-put", { value: this.checkpointValue(safe.root) }, (r) => {
        if (!r.ok) {
          this.h.logError("err", "error saving the last safe root as checkpoint", r.errno);
          return done(r.errno);
        }
        const lost = this.primary!.root.sequence - safe.root.sequence;
        this.h.log("warning", `checkpointed the newest root that is all on disk instead: sequence ${safe.root.sequence} (${lost} commits not on disk are lost)`);
        done();
      });
    };
    if (waiting === 0) return decide();
    for (const ref of refs) {
      this.h.rpc("content-backing.validate", ref, (r) => {
        if (!r.ok) missing.add(ref);
        if (--waiting === 0) decide();
      });
    }
  }

  private setroot(ns: Namespace, root: KvsRoot): void {
    ns.root = root;
    if (ns !== this.primary) return; // guest roots are not traced: a job's guest namespace is seen once grafted
    this.h.bus.trace.add({ kind: "state", subject: "kvs.root", value: `${root.sequence} ${root.rootref}` });
  }

  private checkpointValue(root: KvsRoot): Checkpoint {
    return { version: 1, rootref: root.rootref, sequence: root.sequence, timestamp: wallClockSeconds(this.h.now()) };
  }

  private startCheckpointPeriod(): void {
    const period = this.knobs.checkpointPeriodMs;
    if (!(period > 0)) return;
    this.checkpointTimer = this.h.timer(
      period,
      "checkpoint-period",
      () => {
        if (this.primary!.root.sequence !== this.lastCheckpointSeq) {
          this.lastCheckpointSeq = this.primary!.root.sequence;
          this.enqueue(this.primary!, { msg: undefined, ops: [], sync: true, noMerge: true, internal: true });
        }
        this.startCheckpointPeriod();
      },
      true,
    );
  }

  // --- lookup -------------------------------------------------------------

  private onLookup(msg: Message): void {
    const request = msg.payload as { key?: unknown; list?: boolean };
    if (typeof request?.key !== "string") return this.h.respondError(msg, "EPROTO");
    const key = request.key;
    const attempt = (): void => {
      const result = this.resolve(key, request.list === true);
      if ("missing" in result) return this.loadAll(result.missing, (errno) => (errno ? this.h.respondError(msg, errno) : attempt()));
      if ("errno" in result) return this.h.respondError(msg, result.errno);
      this.h.respond(msg, result.value);
    };
    attempt();
  }

  /** Walk from the root to `key`; the value's bytes, a directory listing, or the blobs that must be loaded first. */
  private resolve(key: string, list: boolean): { value: Uint8Array | string[] } | { errno: Errno } | { missing: string[] } {
    let path = parseKey(key);
    let obj: TreeObj = { ver: 1, type: "dirref", data: [this.primary!.root.rootref] };
    for (let depth = 0, i = 0; ; ) {
      if (obj.type === "dirref") {
        const d = this.cachedDir(obj.data[0]!);
        if (!d) return { missing: [obj.data[0]!] };
        obj = d;
      }
      if (obj.type === "symlink") {
        if (++depth > SYMLINK_MAX_DEPTH) return { errno: "ELOOP" };
        path = [...parseKey(obj.data.target), ...path.slice(i)];
        obj = { ver: 1, type: "dirref", data: [this.primary!.root.rootref] };
        i = 0;
        continue;
      }
      if (i === path.length) break;
      if (obj.type !== "dir") return { errno: "ENOTDIR" };
      const next = dirEntry(obj, path[i]!);
      if (!next) return { errno: "ENOENT" };
      obj = next;
      i++;
    }
    if (obj.type === "dir") return list ? { value: Object.keys(obj.data).sort() } : { errno: "EISDIR" };
    if (list) return { errno: "ENOTDIR" };
    if (obj.type === "val") return { value: fromBase64(obj.data) };
    if (obj.type !== "valref") return { errno: "EPROTO" };
    const missing = obj.data.filter((ref) => !this.cache.has(ref));
    if (missing.length > 0) return { missing };
    return { value: concatBytes(obj.data.map((ref) => this.touch(ref)!.data)) };
  }

  // --- the kvs cache ------------------------------------------------------

  private loadThen(ns: Namespace, refs: string[], txn: Transaction, then: () => void): void {
    this.loadAll(refs, (errno) => {
      if (ns.active !== txn) return;
      if (errno) this.finish(ns, txn, errno);
      else then();
    });
  }

  private loadAll(refs: string[], done: (errno?: Errno) => void): void {
    let waiting = refs.length;
    let failed: Errno | undefined;
    for (const ref of refs) {
      this.h.rpc("content.load", ref, (r: Response) => {
        if (r.ok) this.remember(ref, r.payload as Uint8Array);
        else failed ??= r.errno;
        if (--waiting === 0) done(failed);
      });
    }
  }

  private remember(ref: string, data: Uint8Array, dir?: DirObj): void {
    this.cache.set(ref, { data, lastUsed: this.h.now() });
    if (dir) this.keepParsed(ref, dir);
  }

  private keepParsed(ref: string, dir: DirObj): void {
    this.parsedDirs.delete(ref);
    this.parsedDirs.set(ref, dir);
    if (this.parsedDirs.size > PARSED_DIRS_MAX) this.parsedDirs.delete(this.parsedDirs.keys().next().value!);
  }

  private touch(ref: string): KvsCacheEntry | undefined {
    const entry = this.cache.get(ref);
    if (entry) entry.lastUsed = this.h.now();
    return entry;
  }

  /**
   * The directory a cached blob holds, for a transaction to change in place:
   * the parsed object itself, given up by the kvs (a lookup, or a later
   * transaction, parses the blob again), or a fresh parse. The transaction's
   * changed directories come back as the parsed objects of their new blobs.
   */
  private takeDir(ref: string): DirObj | undefined {
    const parsed = this.parsedDirs.get(ref);
    if (!parsed || !this.cache.has(ref)) return this.parse(ref);
    this.parsedDirs.delete(ref);
    this.touch(ref);
    return parsed;
  }

  private parse(ref: string): DirObj | undefined {
    const entry = this.touch(ref);
    if (!entry) return undefined;
    const obj = decode(entry.data);
    return obj.type === "dir" ? obj : undefined;
  }

  /** The directory a cached blob holds, parsed again only when it is not among the recently used ones. */
  private cachedDir(ref: string): DirObj | undefined {
    if (!this.cache.has(ref)) return undefined;
    const dir = this.parsedDirs.get(ref) ?? this.parse(ref);
    if (dir) {
      this.touch(ref);
      this.keepParsed(ref, dir);
    }
    return dir;
  }
}
