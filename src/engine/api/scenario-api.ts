/**
 * The scenario API (design.md §3), the script's side: the globals a scenario script sees. Each call checks
 * what only the script's own values can tell (a value to encode, a transaction object, an option's name),
 * turns the rest into one plain-data operation (engine-ops.ts) and hands it to an EnginePort, which carries
 * it out on the engine (engine-session.ts), here or in another realm. Reads of the instance (its state, its
 * disk, dmesg) go to the port's view and ask the instance nothing.
 */
import type { KvsOp } from "../modules/kvs/txn.ts";
import { parseKey } from "../modules/kvs/key.ts";
import { FluxError } from "../sim/errno.ts";
import { seededBytes } from "../sim/prng.ts";
import type { LogLevel, TraceEvent } from "../sim/trace.ts";
import { formatLogLine } from "./console-line.ts";
import { expect, format } from "./expect.ts";
import { checkByteCount, checkKey } from "./call-checks.ts";
import type { EnginePort } from "./engine-session.ts";
import { dataOf, plainData, type EngineOp, type Site } from "./engine-ops.ts";
import { keysOf, optionsProblem } from "./option-keys.ts";
import type {
  CommitOptions,
  ContentApi,
  DiskApi,
  DiskFileInfo,
  DmesgFilter,
  FluxApi,
  FluxErrorConstructor,
  FsckOptions,
  JobOptions,
  JobsApi,
  KvsApi,
  KvsTxn,
  PutOptions,
  ScenarioGlobals,
  SimApi,
  TxnPutOptions,
} from "./types.ts";

export type { ScenarioGlobals };
import { encodeValue, type ValueKind } from "./values.ts";

export interface ApiHooks {
  /** Captures where in the script the current call is made; the returned thunk works out its line when asked. */
  callSite?: () => Site;
}

const LEVELS: LogLevel[] = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"];

/** Each run's `log` and how to log with a line already known (the runner's marked log calls: transpile.ts). */
const logWriters = new WeakMap<(...values: unknown[]) => void, (line: number | undefined, values: unknown[]) => void>();

/** Log `values` as `log` does, at `line`, without working the line out from the stack; undefined for any other function. */
export function logWriterOf(log: unknown): ((line: number | undefined, values: unknown[]) => void) | undefined {
  return logWriters.get(log as (...values: unknown[]) => void);
}

/** The options each call takes, derived from its options type (option-keys.ts): any other key is refused. */
const OPTION_KEYS = {
  commit: keysOf<CommitOptions>({ sync: true, noMerge: true }),
  put: keysOf<PutOptions>({ sync: true, noMerge: true, append: true }),
  txnPut: keysOf<TxnPutOptions>({ append: true }),
  fsck: keysOf<FsckOptions>({ repair: true, rootref: true }),
  jobs: keysOf<JobOptions>({ output: true, runtimeMs: true, concurrency: true, atOnce: true, cores: true, batchMs: true }),
  dmesg: keysOf<DmesgFilter>({ source: true, level: true, match: true }),
};

export function createScenarioGlobals(port: EnginePort, hooks: ApiHooks = {}): ScenarioGlobals {
  const kinds = new Map<string, ValueKind>();
  const keyOf = (key: string) => parseKey(key).join(".");
  const view = port.view;
  /** Carry out an operation for the script's current call (its line is worked out only if the engine asks). */
  const call = <T>(op: EngineOp): T => port.call(op, hooks.callSite?.()) as T;
  /** An asynchronous call: whatever it refuses comes as a rejected promise, never as a synchronous throw. */
  const ask = <T>(op: () => EngineOp): Promise<T> => {
    try {
      return Promise.resolve(call<Promise<T>>(op()));
    } catch (e) {
      return Promise.reject(e);
    }
  };

  const commitFlags = (opts: CommitOptions | undefined, allowed: readonly string[], name: string) => {
    checkOptions(opts, allowed, name);
    return { sync: dataOf(opts?.sync), noMerge: dataOf(opts?.noMerge) };
  };

  const txnOps = new WeakMap<KvsTxn, KvsOp[]>();
  const newTxn = (): KvsTxn => {
    const ops: KvsOp[] = [];
    const txn: KvsTxn = {
      put(key, value, opts = {}) {
        checkOptions(opts, OPTION_KEYS.txnPut, "txn.put");
        const { bytes, kind } = encodeValue(value);
        ops.push({ op: "put", key: checkKey(key), value: bytes, ...(opts.append === true ? { append: true } : {}) });
        remember(key, kind, opts.append === true);
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

  /** What kind of value a key holds, so kvs.get gives back what was put (an append keeps the first put's kind). */
  const remember = (key: string, kind: ValueKind, append: boolean) => {
    if (!append || !kinds.has(keyOf(key))) kinds.set(keyOf(key), kind);
  };

  const kvs: KvsApi = {
    put: (key, value, opts = {}) =>
      ask(() => {
        const { bytes, kind } = encodeValue(value);
        const flags = commitFlags(opts, OPTION_KEYS.put, "kvs.put");
        const append = opts?.append === true;
        const op: EngineOp = { op: "kvs.put", key: dataOf(key), value: bytes, append, ...flags };
        checkKey(key);
        remember(key, kind, append);
        return op;
      }),
    unlink: (key, opts) =>
      ask(() => {
        const op: EngineOp = { op: "kvs.unlink", key: dataOf(key), ...commitFlags(opts, OPTION_KEYS.commit, "kvs.unlink") };
        kinds.delete(keyOf(checkKey(key)));
        return op;
      }),
    mkdir: (key, opts) => ask(() => ({ op: "kvs.mkdir", key: dataOf(key), ...commitFlags(opts, OPTION_KEYS.commit, "kvs.mkdir") })),
    symlink: (key, target, opts) => ask(() => ({ op: "kvs.symlink", key: dataOf(key), target: String(target), ...commitFlags(opts, OPTION_KEYS.commit, "kvs.symlink") })),
    get: (key) => ask(() => ({ op: "kvs.get", key: dataOf(key), kind: kinds.get(keyOf(String(key))) })),
    ls: (dir = ".") => ask(() => ({ op: "kvs.ls", dir: dataOf(dir) })),
    txn: newTxn,
    commit(txn, opts) {
      const ops = txnOps.get(txn);
      if (!ops) return Promise.reject(new FluxError("EINVAL", "kvs.commit: not a transaction from kvs.txn()"));
      return ask(() => ({ op: "kvs.commit", ops: [...ops], ...commitFlags(opts, OPTION_KEYS.commit, "kvs.commit") }));
    },
    sync: () => ask(() => ({ op: "kvs.sync" })),
    getroot: () => ask(() => ({ op: "kvs.getroot" })),
  };

  const content: ContentApi = {
    // a copy, as the request carries: the script may reuse its array
    store: (data) => ask(() => ({ op: "content.store", data: typeof data === "string" ? new TextEncoder().encode(data) : data instanceof Uint8Array ? data.slice() : null })),
    load: (ref) => ask(() => ({ op: "content.load", ref: dataOf(ref) })),
    flush: () => ask(() => ({ op: "content.flush" })),
    dropcache: () => ask(() => ({ op: "content.dropcache" })),
    stats: () => ask(() => ({ op: "content.stats" })),
  };

  const disk: DiskApi = {
    get quota() {
      return view.quota;
    },
    get used() {
      return view.used;
    },
    get free() {
      return view.free;
    },
    setQuota: (size) => call({ op: "disk.setQuota", size: dataOf(size) }),
    files: () => view.files(),
    fill: (size, name) => call({ op: "disk.fill", size: dataOf(size), name: dataOf(name) }),
    failNextWrite: (errno, file) => call({ op: "disk.failNextWrite", errno: dataOf(errno), file: dataOf(file) }),
    remove: (file) => call({ op: "disk.remove", name: dataOf(typeof file === "string" ? file : (file as DiskFileInfo | undefined)?.name) }),
    load: (files) => call({ op: "disk.load", files: filesOf(files) }),
    removeBlob: (key) => ask(() => ({ op: "disk.removeBlob", key: dataOf(key) })),
  };

  const flux: FluxApi = {
    start: () => ask(() => ({ op: "flux.start" })),
    shutdown: () => ask(() => ({ op: "flux.shutdown" })),
    crash: () => call({ op: "flux.crash", line: hooks.callSite?.()() }),
    get state() {
      return view.state;
    },
    dmesg: (filter) => {
      if (filter !== undefined && typeof filter === "object" && !(filter instanceof RegExp)) checkOptions(filter, OPTION_KEYS.dmesg, "flux.dmesg");
      return dmesg(view.logs(), filter);
    },
    stats: ((module: unknown) => ask(() => ({ op: "flux.stats", module: dataOf(module) }))) as FluxApi["stats"],
    fsck: (opts = {}) =>
      ask(() => {
        checkOptions(opts, OPTION_KEYS.fsck, "flux.fsck");
        return { op: "flux.fsck", repair: opts?.repair === true, rootref: dataOf(opts?.rootref) };
      }),
    readWrite: () => ask(() => ({ op: "flux.readWrite" })),
    get exitCode() {
      return view.exitCode;
    },
    moduleLoad: (name) => ask(() => ({ op: "flux.module", verb: "load", name: dataOf(name) })),
    moduleRemove: (name) => ask(() => ({ op: "flux.module", verb: "remove", name: dataOf(name) })),
    checkpoints: () => ask(() => ({ op: "flux.checkpoints" })),
    startlog: () => ask(() => ({ op: "flux.startlog" })),
    queue: (action, reason) => ask(() => ({ op: "flux.queue", action: dataOf(action), reason: dataOf(reason) })),
    setReadOnly: (level, readOnly) => ask(() => ({ op: "flux.setReadOnly", level: dataOf(level), readOnly: dataOf(readOnly) })),
  };

  const jobs: JobsApi = {
    submit: (n, opts = {}) =>
      ask(() => {
        checkOptions(opts, OPTION_KEYS.jobs, "jobs.submit");
        return { op: "jobs.submit", n: dataOf(n), output: dataOf(opts?.output), runtimeMs: dataOf(opts?.runtimeMs), concurrency: dataOf(opts?.concurrency),
          atOnce: dataOf(opts?.atOnce),
          cores: dataOf(opts?.cores),
          batchMs: dataOf(opts?.batchMs),
        };
      }),
  };

  const simApi: SimApi = {
    now: () => view.now(),
    advance: (ms) => ask(() => ({ op: "sim.advance", ms: dataOf(ms) })),
    settle: () => ask(() => ({ op: "sim.settle" })),
  };

  const writeLog = (line: number | undefined, values: unknown[]): void => {
    const text = values.map((v) => (typeof v === "string" ? v : format(v))).join(" ");
    port.call({ op: "log", text, line });
  };
  const log = (...values: unknown[]): void => writeLog(hooks.callSite?.()(), values);
  logWriters.set(log, writeLog);

  return {
    scenario: (settings) => call({ op: "scenario", settings: plainData(settings ?? {}) }),
    flux,
    kvs,
    content,
    disk,
    jobs,
    sim: simApi,
    log,
    expect,
    bytes(n, seed) {
      if (seed === undefined) return call({ op: "bytes", n: dataOf(n) });
      checkByteCount(n);
      if (!Number.isInteger(seed)) throw new FluxError("EINVAL", `bytes: seed must be an integer, got ${format(seed)}`);
      return seededBytes(n, seed);
    },
    FluxError: FluxError as unknown as FluxErrorConstructor,
  };
}

/** An options object may name only the keys its call knows: one line naming the stray key and the allowed ones. */
function checkOptions(opts: unknown, allowed: readonly string[], call: string): void {
  const problem = optionsProblem(opts, allowed, call);
  if (problem) throw new FluxError("EINVAL", problem);
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


/** disk.load's files as plain data: a record of byte arrays (anything else is carried as null and refused by the engine). */
function filesOf(files: unknown): Record<string, Uint8Array | null> | null {
  if (typeof files !== "object" || files === null || Array.isArray(files)) return null;
  const out: Record<string, Uint8Array | null> = {};
  for (const [name, bytes] of Object.entries(files)) out[name] = bytes instanceof Uint8Array ? bytes : null;
  return out;
}
