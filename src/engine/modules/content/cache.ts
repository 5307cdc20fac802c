/**
 * The rank-0 content cache (flux-core src/modules/content/cache.c), built
 * into the broker. It is a write-back cache: content.store answers with the
 * blobref as soon as the blob is cached, and the write to the backing store
 * is a later, separate content-backing.store request.
 *
 * What happens on a failed write-back is the heart of the ENOSPC story and
 * follows cache.c exactly: the failure is logged at LOG_CRIT, its errno is
 * remembered and pending flushes fail with it; the entry stays dirty but is
 * on no list, so nothing retries it by itself. A later store of the same
 * bytes re-sends it; any successful store clears the remembered errno, after
 * which a flush waits for the stranded entries forever.
 */
import { blobref, isBlobref } from "../../common/blobref.ts";
import type { Endpoint, Message, Response } from "../../sim/bus.ts";
import { COSTS } from "../../sim/costs.ts";
import { type Errno, strerror } from "../../sim/errno.ts";
import type { Knobs } from "../../policy/knobs.ts";
import type { Done, FluxModule } from "../module.ts";
import { CheckpointRouting } from "./checkpoint.ts";

interface CacheEntry {
  readonly ref: string;
  data: Uint8Array | undefined;
  valid: boolean;
  dirty: boolean;
  loadPending: boolean;
  storePending: boolean;
  loadRequests: Message[];
  lastUsed: number;
}

export interface ContentCacheStats {
  count: number;
  valid: number;
  dirty: number;
  size: number;
  "flush-batch-count": number;
}

export interface ContentCacheSnapshot extends ContentCacheStats {
  backing: string | null;
  /** Write-back stopped and stores refused with EROFS (policy cacheReadOnly). */
  readOnly: boolean;
  dirtyBytes: number;
  flushErrno: Errno | null;
  flushWaiters: number;
  /** Dirty entries that are on no list and have no store in flight: nothing will write them unless they are stored again. */
  stranded: number;
}

type Knob = Pick<
  Knobs,
  "contentHash" | "blobSizeLimit" | "flushBatchLimit" | "purgeTargetSize" | "purgeOldEntryMs" | "checkpointPutFlushes" | "cacheReadOnly" | "cacheRetriesFailedWrites" | "safeModeOnEnospc"
>;

export class ContentCache implements FluxModule {
  readonly name = "content";
  private entries = new Map<string, CacheEntry>();
  /** Valid, clean entries, least recently used first (Map keeps insertion order; a use re-inserts). */
  private lru = new Map<string, CacheEntry>();
  /** Dirty entries waiting for a free slot in the write-back batch. */
  private flushList = new Map<string, CacheEntry>();
  private flushRequests: Message[] = [];
  private backingName: string | undefined;
  private backing = false;
  private flushBatchCount = 0;
  private flushErrno: Errno | undefined;
  private readOnly = false;
  /** The safe mode was entered (once per load: the next start has its queue enabled again). */
  private safeMode = false;
  private acctSize = 0;
  private acctValid = 0;
  private acctDirty = 0;
  /** Bytes of the dirty entries (not in cache.c: the page shows how much is not on disk). */
  private dirtyBytes = 0;
  private readonly checkpoint: CheckpointRouting;

  constructor(
    private readonly h: Endpoint,
    private readonly knobs: Knob,
  ) {
    this.checkpoint = new CheckpointRouting(h, () => this.backing, knobs);
  }

  load(done: Done): void {
    this.h.serve("content.load", (msg) => this.onLoad(msg));
    this.h.serve("content.store", (msg) => this.onStore(msg));
    this.h.serve("content.flush", (msg) => this.onFlush(msg));
    this.h.serve("content.dropcache", (msg) => this.onDropcache(msg));
    this.h.serve("content.stats-get", (msg) => this.h.respond(msg, this.stats()));
    this.h.serve("content.register-backing", (msg) => this.onRegisterBacking(msg));
    this.h.serve("content.unregister-backing", (msg) => this.onUnregisterBacking(msg));
    this.h.serve("content.set-readonly", (msg) => this.onSetReadOnly(msg));
    this.checkpoint.serve();
    done();
  }

  unload(done: Done): void {
    this.h.close();
    done();
  }

  crash(): void {
    this.h.close();
  }

  /** Heartbeat: drop clean entries that are old enough while the cache is over its target size. */
  purge(): void {
    const now = this.h.now();
    for (const e of this.lru.values()) {
      if (this.acctSize <= this.knobs.purgeTargetSize || now - e.lastUsed < this.knobs.purgeOldEntryMs) break;
      this.remove(e);
    }
  }

  stats(): ContentCacheStats {
    return { count: this.entries.size, valid: this.acctValid, dirty: this.acctDirty, size: this.acctSize, "flush-batch-count": this.flushBatchCount };
  }

  snapshot(): ContentCacheSnapshot {
    // Object.assign, not a spread of stats(): the page's recorder takes a snapshot after every trace event, and V8's spread of this object cost it more than all its other work
    return Object.assign(this.stats(), {
      backing: this.backing ? (this.backingName ?? null) : null,
      readOnly: this.readOnly,
      flushErrno: this.flushErrno ?? null,
      flushWaiters: this.flushRequests.length,
      dirtyBytes: this.dirtyBytes,
      // dirty entries are being written back, queued on the flush list, or stranded (on no list)
      stranded: Math.max(0, this.acctDirty - this.flushBatchCount - this.flushList.size),
    });
  }

  /** A cached blob and whether it is dirty, for display only: no message, no trace, no LRU update. */
  peek(ref: string): { data: Uint8Array; dirty: boolean } | undefined {
    const e = this.entries.get(ref);
    return e?.valid ? { data: e.data!, dirty: e.dirty } : undefined;
  }

  // --- load ---------------------------------------------------------------

  private onLoad(msg: Message): void {
    const ref = msg.payload;
    if (!isBlobref(ref, this.knobs.contentHash)) return this.h.respondError(msg, "EPROTO");
    this.h.work(COSTS.cacheOpMs);
    let e = this.lookup(ref);
    if (!e) {
      if (!this.backing) return this.h.respondError(msg, "ENOENT");
      e = this.insert(ref);
    }
    if (!e.valid) {
      this.startLoad(e);
      e.loadRequests.push(msg);
      return;
    }
    this.h.respond(msg, e.data);
  }

  private startLoad(e: CacheEntry): void {
    if (e.loadPending) return;
    e.loadPending = true;
    this.h.rpc("content-backing.load", e.ref, (r) => this.loadContinuation(e, r));
  }

  private loadContinuation(e: CacheEntry, r: Response): void {
    e.loadPending = false;
    if (!r.ok) {
      const errno = r.errno === "ENOSYS" ? "ENOENT" : r.errno;
      if (errno !== "ENOENT") this.h.logError("err", "content load", errno);
      for (const msg of e.loadRequests.splice(0)) this.h.respondError(msg, errno);
      if (!e.valid && !e.dirty) this.remove(e);
      return;
    }
    if (!e.valid) {
      this.fill(e, r.payload as Uint8Array);
      this.lru.set(e.ref, e);
      e.lastUsed = this.h.now();
    }
    for (const msg of e.loadRequests.splice(0)) this.h.respond(msg, e.data);
  }

  // --- store and write-back ----------------------------------------------

  private onStore(msg: Message): void {
    const data = msg.payload;
    if (!(data instanceof Uint8Array)) return this.h.respondError(msg, "EPROTO");
    if (this.readOnly) return this.h.respondError(msg, "EROFS");
    if (data.length > this.knobs.blobSizeLimit) return this.h.respondError(msg, "EFBIG");
    this.h.work(COSTS.cacheOpMs);
    const ref = blobref(this.knobs.contentHash, data);
    const e = this.lookup(ref) ?? this.insert(ref);
    if (!e.valid) {
      this.fill(e, data);
      e.dirty = true;
      this.acctDirty++;
      this.dirtyBytes += data.length;
      for (const load of e.loadRequests.splice(0)) this.h.respond(load, e.data);
    } else if (!e.dirty) {
      // dedup: re-persist a blob that is already cached and clean (cache.c does, for online GC)
      this.lru.delete(ref);
      e.dirty = true;
      this.acctDirty++;
      this.dirtyBytes += e.data!.length;
    }
    if (this.backing) this.store(e);
    else this.flushList.set(ref, e); // written back once a backing store registers
    this.h.respond(msg, ref, ref);
  }

  /** Send one dirty entry to the backing store, or queue it when the batch is full. */
  private store(e: CacheEntry): void {
    if (e.storePending) return;
    if (this.readOnly) return; // write-back stopped: the entry stays dirty until read-write again
    if (this.flushBatchCount >= this.knobs.flushBatchLimit) {
      this.flushList.delete(e.ref);
      this.flushList.set(e.ref, e);
      return;
    }
    e.storePending = true;
    this.flushBatchCount++;
    this.h.rpc("content-backing.store", e.data, (r) => this.storeContinuation(e, r));
  }

  private storeContinuation(e: CacheEntry, r: Response): void {
    e.storePending = false;
    this.flushBatchCount--;
    const errno: Errno | undefined = r.ok ? (r.payload === e.ref ? undefined : "EIO") : r.errno;
    if (errno) {
      if (errno === "ENOSYS") this.h.log("debug", "content store: backing store service unavailable");
      else this.h.log("crit", `content store: ${strerror(errno)}`);
      // every waiting flush fails with this errno; the entry stays dirty and goes on no list
      for (const msg of this.flushRequests.splice(0)) this.h.respondError(msg, errno);
      this.flushErrno = errno;
      if (this.knobs.cacheReadOnly && !this.readOnly && (errno === "ENOSPC" || errno === "EROFS")) this.setReadOnly(true, `after a failed write-back (${strerror(errno)})`);
      if (this.knobs.safeModeOnEnospc && !this.safeMode && errno === "ENOSPC") this.enterSafeMode();
    } else {
      this.clearDirty(e);
      this.flushErrno = undefined; // the backing store works (again)
    }
    this.resumeFlush();
  }

  private clearDirty(e: CacheEntry): void {
    if (!e.dirty) return;
    e.dirty = false;
    this.acctDirty--;
    this.dirtyBytes -= e.data!.length;
    this.lru.set(e.ref, e);
    e.lastUsed = this.h.now();
  }

  private resumeFlush(): void {
    if (this.acctDirty === 0 || !this.backing) this.flushRespond();
    else this.flushSome();
  }

  /** Start write-back of queued dirty entries, up to the batch limit. */
  private flushSome(): void {
    while (this.flushBatchCount < this.knobs.flushBatchLimit) {
      const next = this.flushList.values().next();
      if (next.done) break;
      this.store(next.value);
      this.flushList.delete(next.value.ref);
    }
  }

  private flushRespond(): void {
    if (this.acctDirty === 0) {
      for (const msg of this.flushRequests.splice(0)) this.h.respond(msg, {});
    } else {
      const errno = this.backing ? "EIO" : "ENOSYS";
      for (const msg of this.flushRequests.splice(0)) this.h.respondError(msg, errno);
    }
  }

  private onFlush(msg: Message): void {
    if (!this.backing) return this.h.respondError(msg, "ENOSYS");
    if (this.readOnly) return this.h.respondError(msg, "EROFS");
    if (this.acctDirty === 0) return this.h.respond(msg, {});
    if (this.knobs.cacheRetriesFailedWrites) this.requeueStranded();
    this.flushSome();
    // no write-back in flight and the last one failed: that is the answer now
    if (this.flushBatchCount === 0 && this.flushErrno) return this.h.respondError(msg, this.flushErrno);
    this.flushRequests.push(msg);
  }

  /** Put every dirty entry that is on no list and not being written back on the flush list again, and forget the old failure. */
  private requeueStranded(): void {
    for (const e of this.entries.values()) if (e.dirty && !e.storePending) this.flushList.set(e.ref, e);
    this.flushErrno = undefined;
  }

  /** The safe mode (#6236): no new jobs once the disk is full; job-manager's queue is disabled as `flux queue disable` does. */
  private enterSafeMode(): void {
    this.safeMode = true;
    const reason = "safe mode: content store: No space left on device";
    this.h.log("err", `${reason}: disabling job submission`);
    this.h.rpc("job-manager.queue-enable", { enable: false, reason }, (r) => {
      if (!r.ok) this.h.log("err", `safe mode: job-manager.queue-enable: ${strerror(r.errno)}`);
    });
  }

  private setReadOnly(readOnly: boolean, why: string): void {
    this.readOnly = readOnly;
    this.h.log(readOnly ? "err" : "info", readOnly ? `read-only ${why}: write-back stopped, stores fail with EROFS` : `read-write ${why}`);
  }

  /** Leaving read-only mode writes back everything that stayed dirty meanwhile, and answers as a flush does. */
  private onSetReadOnly(msg: Message): void {
    const readOnly = (msg.payload as { readonly?: unknown }).readonly;
    if (typeof readOnly !== "boolean") return this.h.respondError(msg, "EPROTO");
    if (readOnly !== this.readOnly) this.setReadOnly(readOnly, "on request");
    if (readOnly) return this.h.respond(msg, {});
    this.requeueStranded();
    this.onFlush(msg);
  }

  // --- backing store registration, dropcache --------------------------------

  private onRegisterBacking(msg: Message): void {
    const name = (msg.payload as { name?: unknown }).name;
    if (typeof name !== "string") return this.h.respondError(msg, "EPROTO");
    if (this.backing) return this.h.respondError(msg, "EBUSY", "content backing store is already active");
    this.backingName ??= name;
    if (this.backingName !== name) return this.h.respondError(msg, "EINVAL", "content backing store cannot be changed on the fly");
    this.backing = true;
    this.h.log("debug", `content backing store: enabled ${name}`);
    this.h.respond(msg, {});
    this.flushSome();
  }

  private onUnregisterBacking(msg: Message): void {
    if (!this.backing) return this.h.respondError(msg, "EINVAL", "content backing store is not active");
    this.backing = false;
    this.h.log("debug", "content backing store: disabled");
    this.h.respond(msg, {});
    if (this.acctDirty > 0) this.h.log("err", `${this.acctDirty} unflushables`);
    for (const pending of this.flushRequests.splice(0)) this.h.respondError(pending, "ENOSYS");
  }

  private onDropcache(msg: Message): void {
    const before = this.entries.size;
    for (const e of [...this.lru.values()]) this.remove(e);
    this.h.log("debug", `content dropcache ${before - this.entries.size}/${before}`);
    this.h.respond(msg, {});
  }

  // --- entries --------------------------------------------------------------

  private lookup(ref: string): CacheEntry | undefined {
    const e = this.entries.get(ref);
    if (e && e.valid && !e.dirty) {
      this.lru.delete(ref);
      this.lru.set(ref, e);
      e.lastUsed = this.h.now();
    }
    return e;
  }

  private insert(ref: string): CacheEntry {
    const e: CacheEntry = { ref, data: undefined, valid: false, dirty: false, loadPending: false, storePending: false, loadRequests: [], lastUsed: 0 };
    this.entries.set(ref, e);
    return e;
  }

  private fill(e: CacheEntry, data: Uint8Array): void {
    e.data = data;
    e.valid = true;
    this.acctValid++;
    this.acctSize += data.length;
  }

  private remove(e: CacheEntry): void {
    this.lru.delete(e.ref);
    this.flushList.delete(e.ref);
    if (e.valid) {
      this.acctSize -= e.data!.length;
      this.acctValid--;
    }
    this.entries.delete(e.ref);
  }
}
