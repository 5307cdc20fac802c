/**
 * The scenario API (design.md §3): the globals a scenario script sees, bound
 * to one Simulation. Each call becomes what a Flux user or tool would send
 * (`flux kvs put` is a kvs.commit from a client), and failures read like
 * Flux's tools ("flux_kvs_commit: No space left on device").
 */
import type { Checkpoint } from "../modules/content-sqlite/content-sqlite.ts";
import { parseKey, type KvsOp } from "../modules/kvs/txn.ts";
import { runFsck } from "../fsck/fsck.ts";
import type { Broker } from "../broker/broker.ts";
import type { Endpoint } from "../sim/bus.ts";
import { type Errno, FluxError, strerror } from "../sim/errno.ts";
import { seededBytes } from "../sim/prng.ts";
import type { LogLevel, TraceEvent } from "../sim/trace.ts";
import { formatTimestamp, wallClockSeconds } from "../sim/wallclock.ts";
import { expect, format } from "./expect.ts";
import type { Simulation } from "./simulation.ts";
import type {
  CheckpointInfo,
  CommitOptions,
  CommitResult,
  ContentApi,
  DiskApi,
  DiskFileInfo,
  DmesgFilter,
  FluxApi,
  FluxErrorConstructor,
  FsckReport,
  JobsApi,
  JobsResult,
  KvsApi,
  KvsStats,
  KvsTxn,
  KvsValue,
  ScenarioGlobals,
  ShutdownResult,
  SimApi,
} from "./types.ts";

export type { ScenarioGlobals };
import { decodeValue, encodeValue, parseSize, type ValueKind } from "./values.ts";

export interface ApiHooks {
  /** Captures where in the script the current call is made; the returned thunk works out its line when asked. */
  callSite?: () => () => number | undefined;
  onLog?: (text: string) => void;
}

const LEVELS: LogLevel[] = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"];
const MAX_BYTES = 1024 * 1024 * 1024;
/** jobs.submit's concurrency limit: more would only pile up commits in one queue, and each job holds its state meanwhile. */
const MAX_CONCURRENT_JOBS = 1000;

/** Each run's `log` and how to log with a line already known (the runner's marked log calls: transpile.ts). */
const logWriters = new WeakMap<(...values: unknown[]) => void, (line: number | undefined, values: unknown[]) => void>();

/** Log `values` as `log` does, at `line`, without working the line out from the stack; undefined for any other function. */
export function logWriterOf(log: unknown): ((line: number | undefined, values: unknown[]) => void) | undefined {
  return logWriters.get(log as (...values: unknown[]) => void);
}

export function createScenarioGlobals(sim: Simulation, hooks: ApiHooks = {}): ScenarioGlobals {
  const kinds = new Map<string, ValueKind>();
  const keyOf = (key: string) => parseKey(key).join(".");
  const at = () => {
    sim.currentSite = hooks.callSite?.();
  };

  const commit = (label: string, ops: KvsOp[], opts: CommitOptions = {}): Promise<CommitResult> => {
    at();
    const flags = { sync: flag(opts, "sync", label), noMerge: flag(opts, "noMerge", label) };
    return sim.request(label, "kvs.commit", { ops, ...flags }, "flux_kvs_commit", (p) => p as CommitResult);
  };

  const txnOps = new WeakMap<KvsTxn, KvsOp[]>();
  const newTxn = (): KvsTxn => {
    const ops: KvsOp[] = [];
    const txn: KvsTxn = {
      put(key, value, opts = {}) {
        ops.push(putOp(key, value, opts.append === true));
        return txn;
      },
      unlink(key) {
        ops.push({ op: "unlink", key: checkKey(key) });
        kinds.delete(keyOf(key));
        return txn;
      },
      mkdir(key) {
        ops.push({ op: "mkdir", key: checkKey(key) });
        return txn;
      },
      symlink(key, target) {
        ops.push({ op: "symlink", key: checkKey(key), target: String(target) });
        return txn;
      },
      get length() {
        return ops.length;
      },
    };
    txnOps.set(txn, ops);
    return txn;
  };

  const putOp = (key: string, value: KvsValue, append: boolean): KvsOp => {
    const { bytes, kind } = encodeValue(value);
    if (!append || !kinds.has(keyOf(key))) kinds.set(keyOf(key), kind);
    return { op: "put", key: checkKey(key), value: bytes, ...(append ? { append: true } : {}) };
  };

  const kvs: KvsApi = {
    put: (key, value, opts = {}) =>
      rejecting(() => commit(`kvs.put(${JSON.stringify(key)}${opts.sync ? ", sync" : ""})`, [putOp(key, value, opts.append === true)], opts)),
    unlink: (key, opts) =>
      rejecting(() => {
        const op: KvsOp = { op: "unlink", key: checkKey(key) };
        kinds.delete(keyOf(key));
        return commit(`kvs.unlink(${JSON.stringify(key)})`, [op], opts);
      }),
    mkdir: (key, opts) => rejecting(() => commit(`kvs.mkdir(${JSON.stringify(key)})`, [{ op: "mkdir", key: checkKey(key) }], opts)),
    symlink: (key, target, opts) =>
      rejecting(() => commit(`kvs.symlink(${JSON.stringify(key)})`, [{ op: "symlink", key: checkKey(key), target: String(target) }], opts)),
    get(key) {
      at();
      return sim.request(`kvs.get(${JSON.stringify(key)})`, "kvs.lookup", { key: String(key) }, String(key), (p) =>
        decodeValue(p as Uint8Array, kinds.get(keyOf(key))),
      );
    },
    ls(dir = ".") {
      at();
      return sim.request(`kvs.ls(${JSON.stringify(dir)})`, "kvs.lookup", { key: String(dir), list: true }, String(dir), (p) => p as string[]);
    },
    txn: newTxn,
    commit(txn, opts) {
      const ops = txnOps.get(txn);
      if (!ops) return Promise.reject(new FluxError("EINVAL", "kvs.commit: not a transaction from kvs.txn()"));
      return rejecting(() => commit(`kvs.commit(${ops.length} ops${opts?.sync ? ", sync" : ""}${opts?.noMerge ? ", noMerge" : ""})`, [...ops], opts));
    },
    sync: () => commit("kvs.sync()", [], { sync: true }),
    getroot() {
      at();
      return sim.request("kvs.getroot()", "kvs.getroot", {}, "flux_kvs_getroot", (p) => p as CommitResult);
    },
  };

  const content: ContentApi = {
    store(data) {
      at();
      const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
      if (!(bytes instanceof Uint8Array)) return Promise.reject(new FluxError("EPROTO", "content.store: data must be a string or a Uint8Array"));
      // a copy, as the request carries: the script may reuse its array
      return sim.request("content.store()", "content.store", bytes.slice(), "content.store", (p) => p as string);
    },
    load(ref) {
      at();
      return sim.request(`content.load(${JSON.stringify(ref)})`, "content.load", ref, "content.load", (p) => (p as Uint8Array).slice());
    },
    flush() {
      at();
      return sim.request("content.flush()", "content.flush", {}, "content.flush", () => undefined);
    },
    dropcache() {
      at();
      return sim.request("content.dropcache()", "content.dropcache", {}, "content.dropcache", () => undefined);
    },
    stats() {
      at();
      return sim.request("content.stats()", "content.stats-get", {}, "content.stats-get", (p) => p as never);
    },
  };

  const disk: DiskApi = {
    get quota() {
      return sim.broker.disk.quota;
    },
    get used() {
      return sim.broker.disk.used;
    },
    get free() {
      return sim.broker.disk.free;
    },
    setQuota(size) {
      const bytes = parseSize(size, "disk.setQuota");
      sim.broker.disk.setQuota(bytes);
      diskEvent("quota", "statedir", bytes);
    },
    files: () => sim.broker.disk.files().map(publicFile),
    fill(size, name) {
      const d = sim.broker.disk;
      const file = d.fill(size === undefined ? d.free : parseSize(size, "disk.fill"), name === undefined ? undefined : checkFileName(name));
      diskEvent("fill", `statedir/${file.name}`, file.bytes);
      return publicFile(file);
    },
    failNextWrite(errno = "EIO", file = "content.sqlite") {
      if (errno !== "EIO" && errno !== "ENOSPC") throw new FluxError("EINVAL", `disk.failNextWrite: errno must be "EIO" or "ENOSPC", got ${format(errno)}`);
      sim.broker.disk.injectFault(String(file), errno);
      sim.broker.trace.add({ kind: "disk", op: "fault", path: `statedir/${String(file)}`, bytes: 0, used: sim.broker.disk.used, errno });
    },
    remove(file) {
      const name = typeof file === "string" ? file : file?.name;
      const d = sim.broker.disk;
      const found = typeof name === "string" ? d.file(name) : undefined;
      if (!found) throw new FluxError("ENOENT", `disk.remove: ${String(name)}: No such file or directory`);
      if (found.owner !== "other") throw new FluxError("EPERM", `disk.remove: ${found.name} belongs to ${found.owner}; only other consumers' files can be removed`);
      d.remove(found.name);
      diskEvent("remove", `statedir/${found.name}`, found.bytes);
      return publicFile(found);
    },
  };

  const diskEvent = (op: "fill" | "remove" | "quota", path: string, bytes: number) =>
    sim.broker.trace.add({ kind: "disk", op, path, bytes, used: sim.broker.disk.used });

  const backingModule = (verb: "load" | "remove", name: string): Promise<void> => {
    at();
    if (name !== "content-sqlite") return Promise.reject(new FluxError("EINVAL", `flux module ${verb}: only content-sqlite can be ${verb === "load" ? "loaded" : "removed"} here, not ${format(name)}`));
    const broker = sim.broker;
    return sim.operation<void>(
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
  };
  const flux: FluxApi = {
    start() {
      at();
      return sim.operation<void>(
        "flux.start()",
        (answer) =>
          sim.broker.start((errno, text) =>
            answer(() => {
              if (errno) throw new FluxError(errno, `flux start: ${text ?? errno}`);
            }),
          ),
        () => {
          throw new FluxError("ECONNRESET", "flux start: the instance crashed during rc1");
        },
      );
    },
    shutdown() {
      at();
      return sim.operation<ShutdownResult>(
        "flux.shutdown()",
        (answer) => sim.broker.shutdown((result) => answer(() => result)),
        () => ({ exitCode: 1, errors: ["the instance crashed during shutdown"] }),
      );
    },
    crash() {
      sim.traceCall("flux.crash()", hooks.callSite?.()(), "ok");
      sim.crash();
    },
    get state() {
      return sim.broker.state;
    },
    dmesg: (filter) => dmesg(sim.broker.trace.logs(), filter),
    stats(module: "content" | "content-sqlite" | "kvs"): Promise<KvsStats> {
      at();
      const topics = { content: "content.stats-get", "content-sqlite": "content-sqlite.stats-get", kvs: "kvs.stats-get" } as const;
      const topic = topics[module];
      if (!topic) return Promise.reject(new FluxError("EINVAL", `flux module stats: unknown module ${JSON.stringify(module)}; known: ${Object.keys(topics).join(", ")}`));
      // one body for both overloads: the kvs answers KvsStats (kvs.ts stats()), the others a plain record
      return sim.request(`flux.stats(${JSON.stringify(module)})`, topic, {}, topic, (p) => p as KvsStats);
    },
    fsck(opts = {}) {
      at();
      const broker = sim.broker;
      const running = isUp(broker);
      if (opts.repair && running) return Promise.reject(new FluxError("EBUSY", "flux fsck --repair: the kvs must not be loaded; shut the instance down first"));
      return sim.operation<FsckReport>(
        "flux.fsck()",
        (answer) =>
          withBackingStore<FsckReport>(broker, running, "fsck", answer, (h, finished) =>
            runFsck(h, broker.knobs, { repair: opts.repair === true, ...(opts.rootref ? { rootref: opts.rootref } : {}) }, (result) =>
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
    },
    readWrite() {
      at();
      const broker = sim.broker;
      if (broker.state !== "run") return Promise.reject(new FluxError("ECONNREFUSED", `flux.readWrite: the instance is ${broker.state}`));
      return sim.operation<CommitResult>(
        "flux.readWrite()",
        (answer) => readWrite(broker.bus.endpoint("flux-admin"), answer),
        () => {
          throw new FluxError("ECONNRESET", "flux.readWrite: the instance went down");
        },
      );
    },
    get exitCode() {
      return sim.broker.exitCode ?? null;
    },
    moduleLoad: (name) => backingModule("load", name),
    moduleRemove: (name) => backingModule("remove", name),
    checkpoints() {
      at();
      const broker = sim.broker;
      const list = (value: Checkpoint[]): CheckpointInfo[] =>
        value.map((c, index) => ({ index, sequence: c.sequence, timestamp: c.timestamp, date: formatTimestamp(c.timestamp), rootref: c.rootref }));
      return sim.operation<CheckpointInfo[]>(
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
    },
  };

  const jobs: JobsApi = {
    submit(n = 1, opts = {}) {
      at();
      if (!Number.isInteger(n) || n < 0) return Promise.reject(new FluxError("EINVAL", `jobs.submit: n must be a whole number, got ${format(n)}`));
      const concurrency: unknown = opts?.concurrency;
      if (concurrency !== undefined && !(Number.isInteger(concurrency) && (concurrency as number) >= 1 && (concurrency as number) <= MAX_CONCURRENT_JOBS)) {
        return Promise.reject(new FluxError("EINVAL", `jobs.submit: concurrency must be a whole number from 1 to ${MAX_CONCURRENT_JOBS}, got ${format(concurrency)}`));
      }
      const broker = sim.broker;
      if (broker.state !== "run") return Promise.reject(new FluxError("ECONNREFUSED", `flux run: the instance is ${broker.state}; call flux.start() first`));
      return sim.operation<JobsResult>(
        `jobs.submit(${n}${opts?.concurrency ? `, concurrency ${opts.concurrency}` : ""})`,
        (answer) =>
          sim.jobs.submit(n, opts, (result, error) =>
            answer(() => {
              if (error) throw error;
              return result;
            }),
          ),
        () => {
          throw new FluxError("ECONNRESET", "flux run: the instance crashed");
        },
      );
    },
  };

  const simApi: SimApi = {
    now: () => sim.now(),
    advance(ms) {
      if (!(typeof ms === "number" && Number.isFinite(ms) && ms >= 0)) return Promise.reject(new FluxError("EINVAL", `sim.advance: ms must be a number >= 0, got ${format(ms)}`));
      return sim.advance(ms);
    },
    settle: () => sim.settle(),
  };

  const writeLog = (line: number | undefined, values: unknown[]): void => {
    const text = values.map((v) => (typeof v === "string" ? v : format(v))).join(" ");
    sim.broker.trace.add({ kind: "console", text, ...(line ? { line } : {}) });
    hooks.onLog?.(text);
  };
  const log = (...values: unknown[]): void => writeLog(hooks.callSite?.()(), values);
  logWriters.set(log, writeLog);

  return {
    scenario: (settings) => sim.configure(settings ?? {}),
    flux,
    kvs,
    content,
    disk,
    jobs,
    sim: simApi,
    log,
    expect,
    bytes(n, seed) {
      if (!Number.isInteger(n) || n < 0 || n > MAX_BYTES) throw new FluxError("EINVAL", `bytes: n must be a whole number from 0 to 1 GiB, got ${format(n)}`);
      if (seed !== undefined && !Number.isInteger(seed)) throw new FluxError("EINVAL", `bytes: seed must be an integer, got ${format(seed)}`);
      return seed === undefined ? sim.prng.bytes(n) : seededBytes(n, seed);
    },
    FluxError: FluxError as unknown as FluxErrorConstructor,
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

/** Every asynchronous call reports bad arguments as a rejected promise, never as a synchronous throw. */
function rejecting<T>(call: () => Promise<T>): Promise<T> {
  try {
    return call();
  } catch (e) {
    return Promise.reject(e);
  }
}

/** The broker is up (running, or in rc1/rc3): tools talk to it rather than open the statedir themselves. */
function isUp(broker: Broker): boolean {
  return broker.state !== "down" && broker.state !== "failed";
}

/** A commit flag: true, false or left out; anything else is refused with the call's name. */
function flag(opts: CommitOptions, name: "sync" | "noMerge", call: string): boolean {
  const value: unknown = opts?.[name];
  if (value !== undefined && typeof value !== "boolean") throw new FluxError("EINVAL", `${call}: ${name} must be true or false, got ${format(value)}`);
  return value === true;
}

function checkKey(key: unknown): string {
  if (typeof key !== "string" || parseKey(key).length === 0) throw new FluxError("EINVAL", `invalid key ${format(key)}: use a dotted path such as "a.b.c"`);
  return key;
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
  return { name: file.name, path: `statedir/${file.name}`, bytes: file.bytes, owner: file.owner };
}

/** `flux dmesg` lines from the trace: "2026-11-24T00:00:01.234567Z content.crit[0]: content store: No space left on device". */
export function dmesg(events: readonly TraceEvent[], filter?: string | RegExp | DmesgFilter): string[] {
  const f: DmesgFilter = typeof filter === "string" || filter instanceof RegExp ? { match: filter } : (filter ?? {});
  if (f.level && !LEVELS.includes(f.level)) throw new FluxError("EINVAL", `dmesg: unknown level ${format(f.level)}; known: ${LEVELS.join(", ")}`);
  const maxLevel = f.level ? LEVELS.indexOf(f.level) : LEVELS.length;
  const lines: string[] = [];
  for (const e of events) {
    if (e.kind !== "log") continue;
    if (f.source && e.source !== f.source) continue;
    if (LEVELS.indexOf(e.level) > maxLevel) continue;
    const line = formatLogLine(e);
    if (f.match && !(f.match instanceof RegExp ? f.match.test(line) : line.includes(f.match))) continue;
    lines.push(line);
  }
  return lines;
}

export function formatLogLine(e: Extract<TraceEvent, { kind: "log" }>): string {
  const seconds = wallClockSeconds(e.t);
  const micros = Math.round((seconds % 1) * 1e6).toString().padStart(6, "0");
  return `${formatTimestamp(seconds)}.${micros}Z ${e.source}.${e.level}[0]: ${e.text}`;
}

