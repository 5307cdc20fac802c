/**
 * What a script's worker may say to the engine's worker, checked field by field before anything is replayed: the
 * script runs there and can post anything. An entry of the op log (op-log.ts) or the run's end that is not of this
 * shape ends the run with one clear error. The fields of each operation come from one table, typed against EngineOp,
 * so an operation added to engine-ops.ts does not compile until it has its entry here.
 */
import type { EngineOp, OpName } from "../engine/api/engine-ops.ts";
import type { LogEntry, Outcome } from "../engine/api/op-log.ts";
import type { RunEnding } from "../runner/run-scenario.ts";
import { each } from "../engine/common/each.ts";

/** A message from the script's worker that is not what the protocol allows. */
export class BadScriptMessage extends Error {
  constructor(what: string) {
    super(`the script's realm sent the engine a message it does not understand (${what}): the run was ended`);
  }
}

/** The script's realm at the end of its run: how it ended, and the trace its own engine computed (to compare). */
export interface ScriptEnd {
  type: "end";
  ending: RunEnding;
  traceHash: string;
  events: number;
  /** The runner would have run an epilogue (Compare's): it ran to where one starts. */
  epilogue: boolean;
}

/** What the script's worker posts: a batch of log entries, or its end. */
export type ScriptMessage = { type: "entries"; entries: unknown[] } | ScriptEnd;

type Check = (value: unknown) => boolean;

const isData: Check = (v) => v === null || v === undefined || ["string", "number", "boolean", "bigint"].includes(typeof v);
const isString: Check = (v) => typeof v === "string";
const isBoolean: Check = (v) => typeof v === "boolean";
const isBytes: Check = (v) => v instanceof Uint8Array;
const isLine: Check = (v) => v === undefined || (Number.isInteger(v) && (v as number) > 0);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
/** Plain data as plainData() (engine-ops.ts) makes it: records, arrays and data, at most `depth` deep. */
const isPlain = (v: unknown, depth = 6): boolean =>
  isData(v) || (depth > 0 && (Array.isArray(v) ? each(v, (x) => isPlain(x, depth - 1)) : isRecord(v) && Object.values(v).every((x) => isPlain(x, depth - 1))));
const oneOf =
  (...values: unknown[]): Check =>
  (v) =>
    values.includes(v);

/** The operations of a transaction that a script can build (kvs.txn()); "link" is fsck's own, never a script's. */
const TXN_OP_FIELDS: Record<string, Record<string, Check>> = {
  put: { key: isString, value: isBytes },
  unlink: { key: isString },
  mkdir: { key: isString },
  symlink: { key: isString, target: isString },
};

const isTxnOps: Check = (ops) =>
  Array.isArray(ops) &&
  each(ops, (op) => {
    if (!isRecord(op) || typeof op.op !== "string" || !Object.hasOwn(TXN_OP_FIELDS, op.op)) return false;
    const { op: name, append, ...rest } = op;
    return (append === undefined || append === true) && (name === "put" || append === undefined) && fieldsMatch(rest, TXN_OP_FIELDS[name as string]!);
  });

const flags = { sync: isData, noMerge: isData };

/** Every operation's fields (besides `op`) and what each may hold. */
const OP_FIELDS: { [K in OpName]: Record<Exclude<keyof Extract<EngineOp, { op: K }>, "op">, Check> } = {
  scenario: { settings: (v) => isPlain(v) },
  "kvs.put": { key: isData, value: isBytes, append: isBoolean, ...flags },
  "kvs.unlink": { key: isData, ...flags },
  "kvs.mkdir": { key: isData, ...flags },
  "kvs.symlink": { key: isData, target: isString, ...flags },
  "kvs.commit": { ops: isTxnOps, ...flags },
  "kvs.sync": {},
  "kvs.getroot": {},
  "kvs.get": { key: isData, kind: oneOf(undefined, "string", "bytes", "json") },
  "kvs.ls": { dir: isData },
  "content.store": { data: (v) => v === null || isBytes(v) },
  "content.load": { ref: isData },
  "content.flush": {},
  "content.dropcache": {},
  "content.stats": {},
  "flux.start": {},
  "flux.shutdown": {},
  "flux.readWrite": {},
  "flux.checkpoints": {},
  "flux.startlog": {},
  "flux.crash": { line: isLine },
  "flux.stats": { module: isData },
  "flux.fsck": { repair: isBoolean, rootref: isData },
  "flux.module": { verb: oneOf("load", "remove"), name: isData },
  "flux.queue": { action: isData, reason: isData },
  "flux.setReadOnly": { level: isData, readOnly: isData },
  "jobs.submit": { n: isData, output: isData, runtimeMs: isData, concurrency: isData, atOnce: isData, cores: isData, batchMs: isData },
  "sim.advance": { ms: isData },
  "sim.settle": {},
  "disk.setQuota": { size: isData },
  "disk.fill": { size: isData, name: isData },
  "disk.remove": { name: isData },
  "disk.failNextWrite": { errno: isData, file: isData },
  "disk.removeBlob": { key: isData },
  "disk.load": { files: (v) => v === null || (isRecord(v) && Object.values(v).every((bytes) => bytes === null || isBytes(bytes))) },
  log: { text: isString, line: isLine },
  bytes: { n: isData },
  instance: {},
};

/** The record has exactly these fields (a field the check allows to be undefined may be left out). */
function fieldsMatch(record: Record<string, unknown>, fields: Record<string, Check>): boolean {
  for (const key of Object.keys(record)) if (!Object.hasOwn(fields, key)) return false;
  for (const [key, check] of Object.entries(fields)) if (!check(record[key])) return false;
  return true;
}

function checkOp(value: unknown): EngineOp {
  if (!isRecord(value) || typeof value.op !== "string" || !Object.hasOwn(OP_FIELDS, value.op)) throw new BadScriptMessage("an operation the API does not have");
  const { op, ...fields } = value;
  if (!fieldsMatch(fields, OP_FIELDS[op as OpName] as Record<string, Check>)) throw new BadScriptMessage(`the fields of ${op} are not the API's`);
  return value as unknown as EngineOp;
}

function checkOutcome(value: unknown): Outcome {
  if (!isRecord(value)) throw new BadScriptMessage("an outcome that is not a record");
  const keys = Object.keys(value);
  const one = keys.length === 1 ? keys[0] : undefined;
  if (one === "promise" && value.promise === true) return value as Outcome;
  if (one === "threw" && typeof value.threw === "string") return value as Outcome;
  if (one === "value" && isPlain(value.value)) return value as Outcome;
  throw new BadScriptMessage("an outcome that is neither a value, a throw nor a promise");
}

/** `check(value)`, where anything it throws on (a value that cannot even be read as expected) is BadScriptMessage. */
function refusing<T>(check: (value: unknown) => T, value: unknown): T {
  try {
    return check(value);
  } catch (e) {
    throw e instanceof BadScriptMessage ? e : new BadScriptMessage(`a message that could not be read: ${(e as Error)?.message}`);
  }
}

/** One entry of the op log, as the script's worker sent it. */
export function checkEntry(value: unknown): LogEntry {
  return refusing(checkedEntry, value);
}

function checkedEntry(value: unknown): LogEntry {
  if (!isRecord(value)) throw new BadScriptMessage("an entry that is not a record");
  switch (value.kind) {
    case "op":
      if (!fieldsMatch(value, { kind: isString, op: () => true, outcome: () => true })) break;
      return { kind: "op", op: checkOp(value.op), outcome: checkOutcome(value.outcome) };
    case "line":
      if (!fieldsMatch(value, { kind: isString, index: (v) => Number.isInteger(v) && (v as number) >= 0, line: isLine })) break;
      return value as LogEntry;
    case "drive":
      if (!fieldsMatch(value, { kind: isString, step: oneOf("progress", "stuck", "budget", "error") })) break;
      return value as LogEntry;
  }
  throw new BadScriptMessage(`an entry of kind ${typeof value.kind === "string" ? JSON.stringify(value.kind.slice(0, 40)) : typeof value.kind} or of the wrong fields`);
}

/** How long an error's text from the script's realm may be (the runner cuts its own at 1 500 characters). */
const MAX_ERROR_TEXT = 2000;

const isError: Check = (v) =>
  isRecord(v) &&
  fieldsMatch(v, {
    message: (m) => typeof m === "string" && m.length <= MAX_ERROR_TEXT,
    errno: (e) => e === undefined || (typeof e === "string" && /^E[A-Z0-9]{1,15}$/.test(e)),
    line: isLine,
    limitMs: (n) => n === undefined || (typeof n === "number" && n > 0),
  });

/** The end of the script's run, as its worker sent it. */
export function checkEnd(value: unknown): ScriptEnd {
  return refusing(checkedEnd, value);
}

const isEnding: Check = (e) => isRecord(e) && fieldsMatch(e, { error: (x) => x === undefined || isError(x), badInput: oneOf(undefined, true), cutShort: oneOf(undefined, true) });

/** One operation a script asked for (a realm without an engine sends them one by one: engine-link.ts). */
export function checkOperation(value: unknown): EngineOp {
  return refusing(checkOp, value);
}

/** How the script's run ended, as its realm says. */
export function checkEnding(value: unknown): RunEnding {
  if (!isEnding(value)) throw new BadScriptMessage("an end of the run of the wrong shape");
  return value as RunEnding;
}

function checkedEnd(value: unknown): ScriptEnd {
  const ok =
    isRecord(value) &&
    fieldsMatch(value, {
      type: oneOf("end"),
      ending: isEnding,
      traceHash: (h) => typeof h === "string" && /^([0-9a-f]{16})?$/.test(h),
      events: (n) => Number.isInteger(n) && (n as number) >= 0,
      epilogue: isBoolean,
    });
  if (!ok) throw new BadScriptMessage("an end of the run of the wrong shape");
  return value as unknown as ScriptEnd;
}
