/**
 * The engine's side of the scenario API: carries out each operation (engine-ops.ts) on one Simulation the way
 * a Flux user or tool would (`flux kvs put` is a kvs.commit from a client), with failures that read like Flux's
 * tools ("flux_kvs_commit: No space left on device"). Every check of an operation's data is here, so an
 * operation replayed from elsewhere (src/worker/replay.ts) is checked exactly as the script's own call was.
 */
import type { Checkpoint } from "../modules/content-sqlite/content-sqlite.ts";
import type { KvsOp } from "../modules/kvs/txn.ts";
import { checkByteCount, checkKey, isFlag } from "./call-checks.ts";
import { runFsck } from "../fsck/fsck.ts";
import { deleteValueBlobs } from "../fsck/damage.ts";
import { STARTLOG_KEY, startlogLines } from "../broker/startlog.ts";
import type { Broker } from "../broker/broker.ts";
import type { Endpoint } from "../sim/bus.ts";
import { type Errno, FluxError, strerror } from "../sim/errno.ts";
import type { TraceEvent } from "../sim/trace.ts";
import { formatTimestamp, wallClockSeconds } from "../sim/wallclock.ts";
import { MAX_CONSOLE_CHARS, MAX_LOG_LINE } from "./console-line.ts";
import { format } from "./expect.ts";
import type { Simulation } from "./simulation.ts";
import type { CheckpointInfo, CommitResult, DiskFileInfo, FsckReport, InstanceState, JobsResult, KvsStats, QueueStatus, ReadOnlyLevel, ShutdownResult } from "./types.ts";
import { decodeValue, parseSize } from "./values.ts";
import { checkStatedirImage } from "../disk/statedir-image.ts";
import { type Data, type EngineOp, type Site } from "./engine-ops.ts";

/** What the script may read of the instance without asking it anything (no message, no trace event). */
export interface InstanceView {
  readonly state: InstanceState;
  readonly exitCode: number | null;
  readonly quota: number;
  readonly used: number;
  readonly free: number;
  files(): DiskFileInfo[];
  /** The broker's log lines so far (for flux.dmesg). */
  logs(): readonly TraceEvent[];
  now(): number;
}

/** Where the script side of the API sends its operations. */
export interface EnginePort {
  /** Carry out one operation: a value, or a promise for the asynchronous calls. Throws what the call throws. */
  call(op: EngineOp, site?: Site): unknown;
  readonly view: InstanceView;
}

/** Jobs one jobs.submit may ask for: 2,000 take about 18 s in the CLI, so more than this could never end within any run limit. */
const MAX_JOBS = 100_000;
/** jobs.submit's concurrency limit: more would only pile up commits in one queue, and each job holds its state meanwhile. */
const MAX_CONCURRENT_JOBS = 1000;
/** jobs.submit's cores and batch window: a node's cores at most, and a window up to a second (flux's is 0.01 s). */
const MAX_CORES = 1000;
const MAX_BATCH_MS = 1000;
const READ_ONLY_LEVELS: readonly ReadOnlyLevel[] = ["content-sqlite", "content", "kvs"];
const STATS_TOPICS = { content: "content.stats-get", "content-sqlite": "content-sqlite.stats-get", kvs: "kvs.stats-get" } as const;

export class EngineSession implements EnginePort {
  readonly view: InstanceView;
  /** Characters the console has taken so far (bounded by MAX_CONSOLE_CHARS). */
  private consoleChars = 0;

  constructor(
    readonly sim: Simulation,
    private readonly onLog?: (text: string) => void,
  ) {
    this.view = instanceView(sim);
  }

  call(op: EngineOp, site?: Site): unknown {
    this.sim.currentSite = site;
    switch (op.op) {
      case "scenario":
        return this.sim.configure(op.settings);
      case "kvs.put": {
        const key = checkKey(op.key);
        const put: KvsOp = { op: "put", key, value: op.value, ...(op.append ? { append: true } : {}) };
        return this.commit(`kvs.put(${JSON.stringify(key)}${op.sync ? ", sync" : ""})`, [put], op);
      }
      case "kvs.unlink":
      case "kvs.mkdir": {
        const key = checkKey(op.key);
        return this.commit(`${op.op}(${JSON.stringify(key)})`, [{ op: op.op === "kvs.unlink" ? "unlink" : "mkdir", key }], op);
      }
      case "kvs.symlink": {
        const key = checkKey(op.key);
        return this.commit(`kvs.symlink(${JSON.stringify(key)})`, [{ op: "symlink", key, target: op.target }], op);
      }
      case "kvs.commit": {
        const ops = checkKvsOps(op.ops);
        return this.commit(`kvs.commit(${ops.length} ops${op.sync ? ", sync" : ""}${op.noMerge ? ", noMerge" : ""})`, ops, op);
      }
      case "kvs.sync":
        return this.commit("kvs.sync()", [], { sync: true, noMerge: undefined });
      case "kvs.getroot":
        return this.sim.request("kvs.getroot()", "kvs.getroot", {}, "flux_kvs_getroot", (p) => p as CommitResult);
      case "kvs.get":
        return this.sim.request(`kvs.get(${JSON.stringify(op.key)})`, "kvs.lookup", { key: String(op.key) }, String(op.key), (p) => decodeValue(p as Uint8Array, op.kind));
      case "kvs.ls":
        return this.sim.request(`kvs.ls(${JSON.stringify(op.dir)})`, "kvs.lookup", { key: String(op.dir), list: true }, String(op.dir), (p) => p as string[]);
      case "content.store":
        if (!(op.data instanceof Uint8Array)) throw new FluxError("EPROTO", "content.store: data must be a string or a Uint8Array");
        return this.sim.request("content.store()", "content.store", op.data, "content.store", (p) => p as string);
      case "content.load":
        return this.sim.request(`content.load(${JSON.stringify(op.ref)})`, "content.load", op.ref, "content.load", (p) => (p as Uint8Array).slice());
      case "content.flush":
      case "content.dropcache":
        return this.sim.request(`${op.op}()`, op.op, {}, op.op, () => undefined);
      case "content.stats":
        return this.sim.request("content.stats()", "content.stats-get", {}, "content.stats-get", (p) => p as never);
      case "flux.start":
        return this.start();
      case "flux.shutdown":
        return this.sim.operation<ShutdownResult>(
          "flux.shutdown()",
          (answer) => this.sim.broker.shutdown((result) => answer(() => result)),
          () => ({ exitCode: 1, errors: ["the instance crashed during shutdown"] }),
        );
      case "flux.crash":
        this.sim.traceCall("flux.crash()", op.line, "ok");
        return this.sim.crash();
      case "flux.stats":
        return this.stats(op.module);
      case "flux.fsck":
        return this.fsck(op.repair, op.rootref);
      case "flux.readWrite":
        return this.readWrite();
      case "flux.module":
        return this.backingModule(op.verb, op.name);
      case "flux.checkpoints":
        return this.checkpoints();
      case "flux.startlog":
        return this.sim.request("flux.startlog()", "kvs.lookup", { key: STARTLOG_KEY }, "flux startlog: Error fetching eventlog", (p) =>
          startlogLines(new TextDecoder().decode(p as Uint8Array), wallClockSeconds(this.sim.now())),
        );
      case "flux.queue":
        return this.queue(op.action, op.reason);
      case "flux.setReadOnly":
        return this.setReadOnly(op.level, op.readOnly);
      case "jobs.submit":
        return this.submitJobs(op);
      case "sim.advance":
        if (!(typeof op.ms === "number" && Number.isFinite(op.ms) && op.ms >= 0)) throw new FluxError("EINVAL", `sim.advance: ms must be a number >= 0, got ${format(op.ms)}`);
        return this.sim.advance(op.ms);
      case "sim.settle":
        return this.sim.settle();
      case "disk.setQuota": {
        const bytes = parseSize(op.size, "disk.setQuota");
        this.sim.broker.disk.setQuota(bytes);
        return this.diskEvent("quota", "statedir", bytes);
      }
      case "disk.fill": {
        const d = this.sim.broker.disk;
        const file = d.fill(op.size === undefined ? d.free : parseSize(op.size, "disk.fill"), op.name === undefined ? undefined : checkFileName(op.name));
        this.diskEvent("fill", `statedir/${file.name}`, file.bytes);
        return publicFile(file);
      }
      case "disk.remove":
        return this.removeFile(op.name);
      case "disk.failNextWrite":
        return this.failNextWrite(op.errno, op.file);
      case "disk.load":
        return this.loadStatedir(op.files);
      case "disk.removeBlob":
        return this.removeBlob(op.key);
      case "log":
        return this.log(op.text, op.line);
      case "bytes":
        return this.sim.prng.bytes(checkByteCount(op.n));
      case "instance":
        return void this.sim.broker;
    }
  }

  /** A log() line, bounded: a long line is cut, and once the console is full, one line says so and the rest are dropped. */
  private log(text: string, line: number | undefined): void {
    if (this.consoleChars >= MAX_CONSOLE_CHARS) return;
    let shown = text.length > MAX_LOG_LINE ? `${text.slice(0, MAX_LOG_LINE)}… (${text.length - MAX_LOG_LINE} more characters)` : text;
    this.consoleChars += shown.length;
    if (this.consoleChars >= MAX_CONSOLE_CHARS) shown = `… the console is full (${MAX_CONSOLE_CHARS / 1024 / 1024} Mi characters of log()): later lines are not shown`;
    this.sim.broker.trace.add({ kind: "console", text: shown, ...(line ? { line } : {}) });
    this.onLog?.(shown);
  }

  private commit(label: string, ops: KvsOp[], flags: { sync: Data; noMerge: Data }): Promise<CommitResult> {
    const payload = { ops, sync: flag(flags.sync, "sync", label), noMerge: flag(flags.noMerge, "noMerge", label) };
    return this.sim.request(label, "kvs.commit", payload, "flux_kvs_commit", (p) => p as CommitResult);
  }

  private start(): Promise<void> {
    return this.sim.operation<void>(
      "flux.start()",
      (answer) =>
        this.sim.broker.start((errno, text) =>
          answer(() => {
            if (errno) throw new FluxError(errno, `flux start: ${text ?? errno}`);
          }),
        ),
      () => {
        throw new FluxError("ECONNRESET", "flux start: the instance crashed during rc1");
      },
    );
  }

  private stats(module: Data): Promise<KvsStats> {
    const topic = typeof module === "string" && Object.hasOwn(STATS_TOPICS, module) ? STATS_TOPICS[module as keyof typeof STATS_TOPICS] : undefined;
    if (!topic) throw new FluxError("EINVAL", `flux module stats: unknown module ${JSON.stringify(module)}; known: ${Object.keys(STATS_TOPICS).join(", ")}`);
    // one body for both overloads: the kvs answers KvsStats (kvs.ts stats()), the others a plain record
    return this.sim.request(`flux.stats(${JSON.stringify(module)})`, topic, {}, topic, (p) => p as KvsStats);
  }

  private fsck(repair: boolean, rootref: Data): Promise<FsckReport> {
    const broker = this.sim.broker;
    const running = isUp(broker);
    if (repair && running) throw new FluxError("EBUSY", "flux fsck --repair: the kvs must not be loaded; shut the instance down first");
    return this.sim.operation<FsckReport>(
      "flux.fsck()",
      (answer) =>
        withBackingStore<FsckReport>(broker, running, "fsck", answer, (h, finished) =>
          runFsck(h, broker.knobs, { repair, ...(rootref ? { rootref: rootref as string } : {}) }, (result) =>
            finished(() => {
              if (result.error) throw new FluxError(result.error.errno, `flux fsck: ${result.error.message}`);
              const { error: _error, ...report } = result;
              return report;
            }),
          ),
        ),
      () => {
        throw new FluxError("ECONNRESET", "flux fsck: the instance crashed");
      },
    );
  }

  private readWrite(): Promise<CommitResult> {
    const broker = this.sim.broker;
    if (broker.state !== "run") throw new FluxError("ECONNREFUSED", `flux.readWrite: the instance is ${broker.state}`);
    return this.sim.operation<CommitResult>(
      "flux.readWrite()",
      (answer) => readWrite(broker.bus.endpoint("flux-admin"), answer),
      () => {
        throw new FluxError("ECONNRESET", "flux.readWrite: the instance went down");
      },
    );
  }

  private backingModule(verb: "load" | "remove", name: Data): Promise<void> {
    if (name !== "content-sqlite") throw new FluxError("EINVAL", `flux module ${verb}: only content-sqlite can be ${verb === "load" ? "loaded" : "removed"} here, not ${format(name)}`);
    const broker = this.sim.broker;
    return this.sim.operation<void>(
      `flux.module${verb === "load" ? "Load" : "Remove"}("content-sqlite")`,
      (answer) => {
        const done = (errno?: Errno, text?: string) =>
          answer(() => {
            if (errno) throw new FluxError(errno, `flux module ${verb} content-sqlite: ${text ?? errno}`);
          });
        if (verb === "load") broker.loadBackingModule(done);
        else broker.removeBackingModule(done);
      },
      () => {
        throw new FluxError("ECONNRESET", `flux module ${verb}: the instance crashed`);
      },
    );
  }

  /** `flux queue enable|disable|status`: job-manager's queue (queue.c); a disable needs a reason, as Flux's does. */
  private queue(action: Data, reason: Data): Promise<QueueStatus> {
    if (action !== "enable" && action !== "disable" && action !== "status") {
      throw new FluxError("EINVAL", `flux queue: unknown action ${format(action)}; known: "enable", "disable", "status"`);
    }
    const label = `flux.queue(${JSON.stringify(action)})`;
    if (action === "status") return this.sim.request(label, "job-manager.queue-status", {}, "flux queue status", (p) => p as QueueStatus);
    if (action === "disable" && (typeof reason !== "string" || reason === "")) {
      throw new FluxError("EINVAL", `flux queue disable: reason is required for disable (flux.queue("disable", "why")), got ${format(reason)}`);
    }
    if (action === "enable" && reason !== undefined) throw new FluxError("EINVAL", `flux queue enable: takes no reason, got ${format(reason)}`);
    const payload = action === "enable" ? { enable: true, all: false } : { enable: false, reason, all: false };
    const status: QueueStatus = action === "enable" ? { enabled: true } : { enabled: false, reason: reason as string };
    return this.sim.request(label, "job-manager.queue-enable", payload, `flux queue ${action}`, () => status);
  }

  /**
   * One level's read-only flag, set or cleared (garlick in #6236: "a way to set/clear a read only flag at each level
   * would be useful for testing"). Clearing the cache's writes back what stayed dirty and answers as a flush does.
   */
  private setReadOnly(level: Data, readOnly: Data): Promise<void> {
    if (!READ_ONLY_LEVELS.includes(level as ReadOnlyLevel)) {
      throw new FluxError("EINVAL", `flux.setReadOnly: level is one of ${READ_ONLY_LEVELS.map((l) => JSON.stringify(l)).join(", ")}, got ${format(level)}`);
    }
    if (typeof readOnly !== "boolean") throw new FluxError("EINVAL", `flux.setReadOnly: readOnly must be true or false, got ${format(readOnly)}`);
    const topic = `${level as ReadOnlyLevel}.set-readonly`;
    return this.sim.request(`flux.setReadOnly(${JSON.stringify(level)}, ${readOnly})`, topic, { readonly: readOnly }, topic, () => undefined);
  }

  private checkpoints(): Promise<CheckpointInfo[]> {
    const broker = this.sim.broker;
    const list = (value: Checkpoint[]): CheckpointInfo[] =>
      value.map((c, index) => ({ index, sequence: c.sequence, timestamp: c.timestamp, date: formatTimestamp(c.timestamp), rootref: c.rootref }));
    return this.sim.operation<CheckpointInfo[]>(
      "flux.checkpoints()",
      (answer) =>
        withBackingStore<CheckpointInfo[]>(broker, isUp(broker), "flux-content", answer, (h, finished) =>
          h.rpc("content-backing.checkpoint-get", {}, (r) =>
            finished(() => {
              if (r.ok) return list((r.payload as { value: Checkpoint[] }).value);
              if (r.errno === "ENOENT") return [];
              throw new FluxError(r.errno, `flux content checkpoint list: ${strerror(r.errno)}`);
            }),
          ),
        ),
      () => {
        throw new FluxError("ECONNRESET", "flux content checkpoint list: the instance crashed");
      },
    );
  }

  private submitJobs(op: Extract<EngineOp, { op: "jobs.submit" }>): Promise<JobsResult> {
    const n = op.n === undefined ? 1 : op.n;
    if (!Number.isInteger(n) || (n as number) < 0 || (n as number) > MAX_JOBS) throw new FluxError("EINVAL", `jobs.submit: n must be a whole number from 0 to ${MAX_JOBS}, got ${format(n)}`);
    const { output, runtimeMs } = op;
    const concurrency = wholeNumberOption(op.concurrency, "concurrency", 1, MAX_CONCURRENT_JOBS);
    if (output !== undefined && typeof output !== "string") throw new FluxError("EINVAL", `jobs.submit: output must be a string, got ${format(output)}`);
    if (runtimeMs !== undefined && !(typeof runtimeMs === "number" && Number.isFinite(runtimeMs) && runtimeMs >= 0)) {
      throw new FluxError("EINVAL", `jobs.submit: runtimeMs must be a number >= 0, got ${format(runtimeMs)}`);
    }
    const batched = this.batchedJobOptions(op, concurrency);
    const broker = this.sim.broker;
    if (broker.state !== "run") throw new FluxError("ECONNREFUSED", `flux run: the instance is ${broker.state}; call flux.start() first`);
    const opts = { ...(output === undefined ? {} : { output }), ...(runtimeMs === undefined ? {} : { runtimeMs }), ...(concurrency === undefined ? {} : { concurrency }), ...batched };
    return this.sim.operation<JobsResult>(
      `jobs.submit(${n}${concurrency ? `, concurrency ${concurrency}` : ""}${batched.atOnce ? `, at once on ${batched.cores ?? "2"} cores` : ""})`,
      (answer) =>
        this.sim.jobs.submit(n as number, opts, (result, error) =>
          answer(() => {
            if (error) throw error;
            return result;
          }),
        ),
      () => {
        throw new FluxError("ECONNRESET", "flux run: the instance crashed");
      },
    );
  }

  /** atOnce, cores and batchMs: cores and batchMs only with atOnce, and atOnce not with concurrency. */
  private batchedJobOptions(op: Extract<EngineOp, { op: "jobs.submit" }>, concurrency: number | undefined): { atOnce?: true; cores?: number; batchMs?: number } {
    const { atOnce } = op;
    if (atOnce !== undefined && typeof atOnce !== "boolean") throw new FluxError("EINVAL", `jobs.submit: atOnce must be true or false, got ${format(atOnce)}`);
    const cores = wholeNumberOption(op.cores, "cores", 1, MAX_CORES);
    const batchMs = op.batchMs;
    if (batchMs !== undefined && !(typeof batchMs === "number" && Number.isFinite(batchMs) && batchMs >= 0 && batchMs <= MAX_BATCH_MS)) {
      throw new FluxError("EINVAL", `jobs.submit: batchMs must be a number from 0 to ${MAX_BATCH_MS}, got ${format(batchMs)}`);
    }
    if (!atOnce) {
      const given = cores !== undefined ? "cores" : batchMs !== undefined ? "batchMs" : undefined;
      if (given) throw new FluxError("EINVAL", `jobs.submit: ${given} applies only with atOnce: true`);
      return {};
    }
    if (concurrency !== undefined) throw new FluxError("EINVAL", "jobs.submit: atOnce and concurrency cannot be combined (atOnce runs as many at a time as there are cores)");
    return { atOnce, ...(cores === undefined ? {} : { cores }), ...(batchMs === undefined ? {} : { batchMs }) };
  }

  private removeFile(name: Data): DiskFileInfo {
    const broker = this.sim.broker;
    const d = broker.disk;
    const found = typeof name === "string" ? d.file(name) : undefined;
    if (!found) throw new FluxError("ENOENT", `disk.remove: ${String(name)}: No such file or directory`);
    if (d.isBeingWritten(found.name)) throw new FluxError("EBUSY", `disk.remove: ${found.name}: flux-dump is still writing it; wait for rc3 to finish`);
    if (found.owner !== "other" && found.owner !== "content-dump" && isUp(broker)) {
      throw new FluxError("EBUSY", `disk.remove: ${found.name}: ${found.owner} holds it open while the instance is ${broker.state}; flux.shutdown() first`);
    }
    d.remove(found.name);
    this.diskEvent("remove", `statedir/${found.name}`, found.bytes);
    return publicFile(found);
  }

  private failNextWrite(errno: Data, file: Data): void {
    const chosen = errno === undefined ? "EIO" : errno;
    if (chosen !== "EIO" && chosen !== "ENOSPC") throw new FluxError("EINVAL", `disk.failNextWrite: errno must be "EIO" or "ENOSPC", got ${format(chosen)}`);
    const name = file === undefined ? "content.sqlite" : String(file);
    this.sim.broker.disk.injectFault(name, chosen);
    this.sim.broker.trace.add({ kind: "disk", op: "fault", path: `statedir/${name}`, bytes: 0, used: this.sim.broker.disk.used, errno: chosen });
  }

  /** Damage for fsck to find: a key's value blobs deleted from content.sqlite, only while the instance is down. */
  private removeBlob(key: Data): Promise<string[]> {
    const name = checkKey(key);
    const broker = this.sim.broker;
    if (isUp(broker)) throw new FluxError("EBUSY", `disk.removeBlob: the instance is ${broker.state} and content-sqlite has the database open; flux.shutdown() first`);
    return this.sim.operation<string[]>(
      `disk.removeBlob(${JSON.stringify(name)})`,
      (answer) =>
        withBackingStore<string[]>(broker, false, "disk.removeBlob", answer, (h, finished) =>
          deleteValueBlobs(h, name, (refs, failure) =>
            finished(() => {
              if (failure) throw new FluxError(failure.errno, `disk.removeBlob: ${failure.message}`);
              return refs!;
            }),
          ),
        ),
      () => {
        throw new FluxError("ECONNRESET", "disk.removeBlob: the instance crashed");
      },
    );
  }

  private loadStatedir(files: Data | Record<string, unknown>): DiskFileInfo[] {
    const image = checkStatedirImage(files, "disk.load");
    const broker = this.sim.broker;
    if (isUp(broker)) throw new FluxError("EBUSY", `disk.load: the instance is ${broker.state} and content-sqlite has the statedir open; flux.shutdown() first`);
    this.sim.loadStatedir(image, "disk.load");
    return Object.keys(image).map((name) => publicFile(broker.disk.file(name)!));
  }

  private diskEvent(op: "fill" | "remove" | "quota", path: string, bytes: number): void {
    this.sim.broker.trace.add({ kind: "disk", op, path, bytes, used: this.sim.broker.disk.used });
  }
}

function instanceView(sim: Simulation): InstanceView {
  return {
    get state() {
      return sim.broker.state;
    },
    get exitCode() {
      return sim.broker.exitCode ?? null;
    },
    get quota() {
      return sim.broker.disk.quota;
    },
    get used() {
      return sim.broker.disk.used;
    },
    get free() {
      return sim.broker.disk.free;
    },
    files: () => sim.broker.disk.files().map(publicFile),
    logs: () => sim.broker.trace.logs(),
    now: () => sim.now(),
  };
}

/**
 * Run a tool (fsck, checkpoint list) against the backing store: through the
 * live instance, or while it is down against the statedir, the way an admin
 * starts a recovery instance. Answers once whatever was loaded for it is
 * unloaded again.
 */
function withBackingStore<T>(
  broker: Broker,
  running: boolean,
  tool: string,
  answer: (result: () => T) => void,
  task: (h: Endpoint, finished: (result: () => T) => void) => void,
): void {
  if (running) return task(broker.bus.endpoint(tool), answer);
  let result: (() => T) | undefined;
  broker.offline(
    (h, unload) =>
      task(h, (r) => {
        result = r;
        unload();
      }),
    (errno, text) =>
      answer(
        errno || !result
          ? () => {
              throw new FluxError(errno ?? "EIO", `${tool}: cannot open the statedir: ${text ?? errno}`);
            }
          : result,
      ),
  );
}

/**
 * The read-only policy's way back, as an admin would run it level by level:
 * content-sqlite, the content cache (which re-sends what stayed dirty), the
 * kvs, then an empty synced commit that flushes and checkpoints.
 */
function readWrite(h: Endpoint, answer: (result: () => CommitResult) => void): void {
  const fail = (topic: string, errno: Errno) =>
    answer(() => {
      throw new FluxError(errno, `${topic}: ${strerror(errno)}`);
    });
  // [topic, what a failure reads as]; the cache's step writes back what stayed dirty, so it fails as a flush does
  const steps = [
    ["content-sqlite.set-readonly", "content-sqlite.set-readonly"],
    ["content.set-readonly", "content.flush"],
    ["kvs.set-readonly", "kvs.set-readonly"],
  ] as const;
  const next = (i: number): void => {
    const step = steps[i];
    if (!step) {
      h.rpc("kvs.commit", { ops: [], sync: true }, (r) => (r.ok ? answer(() => r.payload as CommitResult) : fail("flux_kvs_commit", r.errno)));
      return;
    }
    h.rpc(step[0], { readonly: false }, (r) => (r.ok ? next(i + 1) : fail(step[1], r.errno)));
  };
  next(0);
}

/** The broker is up (running, or in rc1/rc3): tools talk to it rather than open the statedir themselves. */
function isUp(broker: Broker): boolean {
  return broker.state !== "down" && broker.state !== "failed";
}

/** A commit flag: true, false or left out; anything else is refused with the call's name. */
function flag(value: Data, name: "sync" | "noMerge", call: string): boolean {
  if (!isFlag(value)) throw new FluxError("EINVAL", `${call}: ${name} must be true or false, got ${format(value)}`);
  return value === true;
}

/** A transaction's operations as kvs.txn() builds them (checked again: a replayed transaction comes as data). */
function checkKvsOps(ops: KvsOp[]): KvsOp[] {
  for (const op of ops) {
    // "link" puts a tree object as it is: fsck's lost+found, never a script's (a replayed log could name it)
    if (op.op === "link") throw new FluxError("EINVAL", `kvs.commit: ${JSON.stringify(op.key)}: no such transaction operation`);
    checkKey(op.key);
    if (op.op === "put" && !(op.value instanceof Uint8Array)) throw new FluxError("EINVAL", `kvs.commit: the value of ${JSON.stringify(op.key)} is not bytes`);
    if (op.op === "symlink" && typeof op.target !== "string") throw new FluxError("EINVAL", `kvs.commit: the target of ${JSON.stringify(op.key)} is not a string`);
  }
  return ops;
}

function checkFileName(name: unknown): string {
  // "." and ".." are directories; "__proto__" and the like are keys MEMFS's directory objects cannot hold as their own
  const special = typeof name === "string" && (name === "." || name === ".." || name in Object.prototype);
  if (typeof name !== "string" || !/^[A-Za-z0-9._-]+$/.test(name) || name.startsWith("content.sqlite") || special) {
    throw new FluxError("EINVAL", `disk.fill: invalid file name ${format(name)} (letters, digits, '.', '_', '-'; not content.sqlite*, ".", ".." or "__proto__")`);
  }
  return name;
}

function publicFile(file: DiskFileInfo): DiskFileInfo {
  return { name: file.name, path: `statedir/${file.name}`, bytes: file.bytes, owner: file.owner, ...(file.link === undefined ? {} : { link: file.link }) };
}

/** An optional whole-number option of jobs.submit, from `min` to `max`. */
function wholeNumberOption(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (!(Number.isInteger(value) && (value as number) >= min && (value as number) <= max)) {
    throw new FluxError("EINVAL", `jobs.submit: ${name} must be a whole number from ${min} to ${max}, got ${format(value)}`);
  }
  return value as number;
}
