/**
 * What a realm without an engine (engine-link.ts) asks the engine's worker (link-server.ts), one request at a
 * time while the realm waits, and what it is answered. Every answer says which of the API's promises the engine
 * settled meanwhile, in the order it settled them, so that the script's continuations run in the order they run
 * where the engine shares the script's thread (the CLI). Errors cross as data and are made again on the other side
 * with their class (FluxError and its errno, the engine's InternalError): the script and its runner tell them apart.
 */
import type { EngineOp } from "../engine/api/engine-ops.ts";
import type { DriveStep } from "../engine/api/op-log.ts";
import { FluxError, ScenarioInputError, type Errno } from "../engine/sim/errno.ts";
import { InternalError } from "../engine/sim/internal-error.ts";
import type { RunEnding } from "../runner/run-scenario.ts";

/** The instance's state a script reads at once (InstanceView): one request each. */
export const VIEW_READS = ["state", "exitCode", "quota", "used", "free", "files", "now"] as const;
export type ViewRead = (typeof VIEW_READS)[number];

/**
 * A request, after the calls the realm queued since the last one (`before`): log() lines, which return nothing and
 * throw nothing; bytes(n), which the realm answered itself from the PRNG state it was sent; and a kvs.put or kvs.get
 * the engine can only answer with a promise that waits (valid arguments, an instance that takes requests, as the
 * answers say: `takesRequests`), for which the realm made the promise itself. The engine carries them out first, in
 * order, as if each had been a request of its own (its trace is the same: this engine does nothing between two
 * requests), and ends the run if one does not come to what the realm expected.
 */
export type LinkRequest = RealmRequest & { before?: QueuedCall[] };

/**
 * A call the realm sent with a later request: `line` as a call sends it; `id`, the number of the promise it made for
 * the call. Or `until`: a step of driving the realm settled itself (a put's success, engine-link.ts settleHere()),
 * which the engine takes now, as many steps as it takes that promise to settle.
 */
export type QueuedCall = { op: EngineOp; line?: number | undefined; id?: number } | { until: number };

/**
 * What settling a put in the realm takes of the engine's allowance: its bytes, and room for the blobs of the
 * directories it writes again and SQLite's pages for them when they are written back.
 */
export function speculationCost(op: Extract<EngineOp, { op: "kvs.put" }>): number {
  return op.value.length + String(op.key).length + PUT_ROOM_BYTES;
}

const PUT_ROOM_BYTES = 16 * 1024;

type RealmRequest =
  /** The script starts now (the engine's clock of the run limit starts with it). */
  | { t: "start" }
  /** Nothing but the queued log lines. */
  | { t: "flush" }
  /** One call; `line` is sent for every call that may wait (the engine traces its line when it settles). */
  | { t: "call"; op: EngineOp; line?: number | undefined }
  | { t: "view"; read: ViewRead }
  /** The broker's log lines from this index on (they only grow: the realm keeps those it has). */
  | { t: "logs"; from: number }
  | { t: "drive" }
  | { t: "reproduction" }
  /** The script's run ended so; `epilogue`: its runner reached where Compare's epilogue would start. */
  | { t: "end"; ending: RunEnding; epilogue: boolean };

export type ErrorData =
  | { kind: "flux" | "input"; errno: string; message: string; line?: number }
  | { kind: "internal"; module: string; message: string }
  | { kind: "error"; name: string; message: string }
  | { kind: "value"; value: unknown };

/** A promise of the script's (by the number the engine gave it), and how it settled. */
export type Settled = [id: number, ok: true, value: unknown] | [id: number, ok: false, error: ErrorData];

/**
 * Every answer; `prng`: the run's PRNG state, when it changed since the last answer that carried it. With it the
 * realm draws `bytes(n)` itself, the same bytes the engine would, and sends the call with its next request (as it
 * sends log lines) so that the engine's PRNG moves on as the realm's did: a third of a big run's round trips.
 * `allowance`: the bytes of puts (speculationCost) the realm may settle itself before its next request (none if
 * absent); `outcomes`: the engine's outcome of each put the realm settled itself, carried out since the last answer.
 */
export type LinkAnswer = { settled: Settled[]; prng?: readonly number[]; takesRequests?: boolean; allowance?: number; outcomes?: [id: number, outcome: unknown][] } & AnswerBody;

/** What the request came to: a value, a throw, a promise (by its number), or a step of driving. */
export type AnswerBody =
  | { value?: unknown }
  | { threw: ErrorData }
  | { promise: number }
  | { step: Exclude<DriveStep, "error">; stuck?: string; stuckLine?: number };

export function errorData(e: unknown): ErrorData {
  if (e instanceof InternalError) return { kind: "internal", module: e.module, message: e.message };
  if (e instanceof FluxError) return { kind: e instanceof ScenarioInputError ? "input" : "flux", errno: e.errno, message: e.message, ...(e.line === undefined ? {} : { line: e.line }) };
  if (e instanceof Error) return { kind: "error", name: e.name, message: e.message };
  return { kind: "value", value: e };
}

const STANDARD_ERRORS: Record<string, ErrorConstructor> = { Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError };

/** The error `data` describes, made in this realm (its stack is this realm's: where the call was made, as in the CLI). */
export function errorFrom(data: ErrorData): unknown {
  switch (data.kind) {
    case "flux":
    case "input": {
      const e = new (data.kind === "input" ? ScenarioInputError : FluxError)(data.errno as Errno, data.message);
      if (data.line !== undefined) e.line = data.line;
      return e;
    }
    case "internal":
      return Object.assign(new InternalError(data.module, undefined), { message: data.message });
    case "error": {
      const e = new (STANDARD_ERRORS[data.name] ?? Error)(data.message);
      if (e.name !== data.name) e.name = data.name;
      return e;
    }
    case "value":
      return data.value;
  }
}
