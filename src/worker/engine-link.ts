/**
 * The engine as a realm without one sees it: an EnginePort and a Driven (script-driver.ts) whose every call,
 * read and step of driving is one request to the engine's worker, answered while this realm waits (a synchronous
 * exchange: sync-pipe.ts in the page, a direct call in tests). The engine runs once per run, warm, in its worker;
 * this realm holds only the script, the API's script side and a promise for each call that waits, settled as the
 * engine tells it (link-protocol.ts).
 */
import type { Data, EngineOp, OpName, Site } from "../engine/api/engine-ops.ts";
import { checkByteCount, checkKey, isFlag } from "../engine/api/call-checks.ts";
import type { EnginePort, InstanceView } from "../engine/api/engine-session.ts";
import { Prng } from "../engine/sim/prng.ts";
import type { TraceEvent } from "../engine/sim/trace.ts";
import type { RunEnding } from "../runner/run-scenario.ts";
import { ProgressClock } from "../runner/progress.ts";
import type { Driven } from "../runner/script-driver.ts";
import { errorFrom, speculationCost, type LinkAnswer, type LinkRequest, type QueuedCall, type Settled, type ViewRead } from "./link-protocol.ts";

/** Sends one request and returns its answer (blocking until it comes); `post` sends one that gets none. */
export interface Exchange {
  ask(request: LinkRequest): LinkAnswer;
  post(request: LinkRequest): void;
}

/**
 * The calls that never wait: the engine never asks their line (a log line carries its own), so it is not worked
 * out for them (reading a stack costs, and a big run makes thousands of bytes() calls).
 */
const NEVER_WAIT: ReadonlySet<OpName> = new Set<OpName>(["log", "bytes", "instance", "scenario", "flux.crash", "disk.setQuota", "disk.fill", "disk.remove", "disk.failNextWrite", "disk.load"]);

type Pending = { resolve: (value: unknown) => void; reject: (error: unknown) => void };

/**
 * A call the engine answers with a promise that waits, once the instance takes requests, whatever came before: a
 * kvs.get (any key: a bad one is the lookup's error, later), a kvs.put whose key and flags its checks pass. Its
 * outcome known, it needs no request of its own (a big run's puts: one request each fewer).
 */
function waitsWhateverComes(op: EngineOp): boolean {
  if (op.op === "kvs.get") return true;
  if (op.op !== "kvs.put") return false;
  if (!isFlag(op.sync) || !isFlag(op.noMerge)) return false;
  try {
    checkKey(op.key);
    return true;
  } catch {
    return false;
  }
}

/** Queued log() lines go out with the next request, or on their own at this many or this long after the last batch (the first few at once). */
const QUEUED_LINES = 1024;
const QUEUED_MS = 30;
/**
 * Puts settled here go to the engine at least this often: it carries them out in one request, and hears Stop only
 * between requests (a big run's 2 150 puts: 9 requests).
 */
const SETTLED_PER_REQUEST = 256;

// taken before the script runs: a script that replaces them does not change what its puts' outcomes are (settledOutcome)
const REFLECT = Object.fromEntries(Reflect.ownKeys(Reflect).map((k) => [k, Reflect[k as keyof typeof Reflect]])) as typeof Reflect;
const { defineProperty, entries } = Object;

export class EngineLink implements EnginePort, Driven {
  readonly view: InstanceView;
  stuck: string | undefined;
  stuckLine: number | undefined;
  private readonly pending = new Map<number, Pending>();
  /** The queued puts whose promises wait, and what settling each here would take of the allowance (speculationCost). */
  private readonly queuedPuts = new Map<number, number>();
  /** Bytes of puts this realm may still settle itself before its next request, as the engine's last answer allowed. */
  private allowance = 0;
  /** Puts settled here since the last request. */
  private settledHere = 0;
  /** The outcome of each put settled here, by its promise's number, until the engine sends it (see settledHere()). */
  private readonly outcomes = new Map<number, object>();
  /** The number of the put each such object stands for, and the traps they share. */
  private readonly outcomeIds = new WeakMap<object, number>();
  private readonly outcomeTraps = this.makeOutcomeTraps();
  private readonly logLines: TraceEvent[] = [];
  private queued: QueuedCall[] = [];
  /** The number the engine gives the next promise it makes for the script (it numbers them in order, as this realm does). */
  private nextPromise = 0;
  /** Whether the instance takes requests, as of the last answer that said. */
  private takesRequests = false;
  /** The engine's PRNG as of the last answer, moved on by the bytes drawn here since. */
  private prng: Prng | undefined;
  // a script may log a line and then spin for good: its first lines go at once, as a realm with an engine sends them
  private readonly queueClock = new ProgressClock(QUEUED_MS, QUEUED_LINES);

  constructor(private readonly exchange: Exchange) {
    const read = (what: ViewRead) => this.answer({ t: "view", read: what });
    this.view = {
      get state() {
        return read("state") as InstanceView["state"];
      },
      get exitCode() {
        return read("exitCode") as number | null;
      },
      get quota() {
        return read("quota") as number;
      },
      get used() {
        return read("used") as number;
      },
      get free() {
        return read("free") as number;
      },
      files: () => read("files") as ReturnType<InstanceView["files"]>,
      logs: () => this.logs(),
      now: () => read("now") as number,
    };
  }

  /** The script starts now. */
  started(): void {
    this.ask({ t: "start" });
  }

  call(op: EngineOp, site?: Site): unknown {
    if (op.op === "log") return this.queue(op);
    if (op.op === "bytes" && this.prng) return this.drawn(op.n);
    const sited = site && !NEVER_WAIT.has(op.op) ? { line: site() } : {};
    if (this.takesRequests && waitsWhateverComes(op)) return this.queuedPromise({ op, ...sited });
    const answer = this.ask({ t: "call", op, ...sited });
    if ("promise" in answer) {
      if (answer.promise !== this.nextPromise) throw new Error(`the engine numbered promise ${answer.promise}, where this realm counted ${this.nextPromise}`);
      const promise = this.promiseNumbered(this.nextPromise++);
      this.settle(answer.settled);
      return promise;
    }
    this.settle(answer.settled);
    if ("threw" in answer) throw errorFrom(answer.threw);
    return "value" in answer ? answer.value : undefined;
  }

  hasWaiters(): boolean {
    return this.pending.size > 0;
  }

  drive(): "progress" | "stuck" | "budget" {
    if (this.settleHere()) return "progress";
    const answer = this.ask({ t: "drive" });
    this.settle(answer.settled);
    if ("threw" in answer) throw errorFrom(answer.threw);
    if (!("step" in answer)) throw new Error("the engine answered a step of driving with no step");
    if (answer.step === "stuck") {
      this.stuck = answer.stuck;
      this.stuckLine = answer.stuckLine;
    }
    return answer.step;
  }

  reproduction(): string {
    return String(this.answer({ t: "reproduction" }));
  }

  /** The run ended so: the engine takes it from here (and ends this realm). */
  end(ending: RunEnding, epilogue: boolean): void {
    this.exchange.post(this.withQueued({ t: "end", ending, epilogue }));
  }

  /**
   * Speculation: when the one promise the script waits on is a queued put and the engine's allowance covers it, it
   * settles here as the engine's step of driving would (a put the engine can only answer with success: its
   * checks passed, the instance takes requests, the disk has room), and the step goes with the next request as
   * "until" its promise settles. Nothing but that promise can wake the script meanwhile (it waits on nothing else),
   * so the script runs on exactly as it would after the engine's answer. Its outcome (the commit's new root) is
   * not known here: the script gets an object that asks for it when first looked at (settledOutcome). If the
   * engine's put does not come to success, the engine starts the run again without speculation
   * (link-server.ts): this realm has run ahead on an outcome that was not the run's.
   */
  private settleHere(): boolean {
    if (this.pending.size !== 1) return false;
    const [id, waiting] = this.pending.entries().next().value!;
    const cost = this.queuedPuts.get(id);
    if (cost === undefined || cost > this.allowance) return false;
    this.allowance -= cost;
    this.pending.delete(id);
    this.queuedPuts.delete(id);
    const outcome = this.settledOutcome(id); // before the step is queued: the request that takes it may go at once
    this.enqueue({ until: id }, false);
    if (++this.settledHere >= SETTLED_PER_REQUEST) this.flush();
    waiting.resolve(outcome);
    return true;
  }

  /** A put's outcome, settled here: an object that stands for the engine's (a plain record), filled in when it comes. */
  private settledOutcome(id: number): object {
    const target: object = {};
    this.outcomes.set(id, target);
    this.outcomeIds.set(target, id);
    return new Proxy(target, this.outcomeTraps);
  }

  /** Every trap of a settled put's outcome fills its object in first, then does what it would do to a plain one: one set for the run. */
  private makeOutcomeTraps(): ProxyHandler<object> {
    const traps: ProxyHandler<object> = {};
    for (const [trap, reflect] of entries(REFLECT)) (traps as Record<string, unknown>)[trap] = (t: object, ...rest: unknown[]) => (this.fill(t), (reflect as (...a: unknown[]) => unknown)(t, ...rest));
    // a promise resolved with this object looks for its `then` at once: the engine's record has none of its own
    traps.get = (t, key, receiver) => (key === "then" && !("then" in Object.prototype) ? undefined : (this.fill(t), REFLECT.get(t, key, receiver)));
    return traps;
  }

  /** The engine sends each outcome with the answer after it carried the put out: ask for it if that has not come. */
  private fill(target: object): void {
    const id = this.outcomeIds.get(target)!;
    if (!this.outcomes.has(id)) return;
    this.flush();
    if (this.outcomes.has(id)) throw new Error(`the engine did not send the outcome of promise ${id}, which this realm settled`);
  }

  /** Send what is queued, and settle what the answer says settled. */
  private flush(): void {
    this.settle(this.ask({ t: "flush" }).settled);
  }

  private promiseNumbered(id: number): Promise<unknown> {
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  /** A call the engine can only answer with a promise that waits: the promise, made here; the call goes with the next request. */
  private queuedPromise(call: { op: EngineOp; line?: number | undefined }): Promise<unknown> {
    const id = this.nextPromise++;
    this.enqueue({ ...call, id }, false);
    if (call.op.op === "kvs.put" && !call.op.sync) this.queuedPuts.set(id, speculationCost(call.op));
    return this.promiseNumbered(id);
  }

  /** A log() line: queued, to go with the next request (a script that logs and never waits still sends its lines). */
  private queue(op: EngineOp): undefined {
    this.enqueue({ op }, true);
    return undefined;
  }

  /**
   * Queue a call for the next request; sent on its own once QUEUED_LINES wait, or, for a log line (`urgent`), by
   * the queue's clock. Nothing else is in a hurry: until the engine carries it out, nothing of the run depends on it.
   */
  private enqueue(call: QueuedCall, urgent: boolean): void {
    this.queued.push(call);
    if (urgent ? this.queueClock.due(this.queued.length) : this.queued.length >= QUEUED_LINES) this.flush();
  }

  private withQueued(request: LinkRequest): LinkRequest {
    if (this.queued.length === 0) return request;
    const before = this.queued;
    this.queued = [];
    return { ...request, before };
  }

  private ask(request: LinkRequest): LinkAnswer {
    const answer = this.exchange.ask(this.withQueued(request));
    this.settledHere = 0;
    if (answer.prng) this.prng = new Prng(answer.prng);
    if (answer.takesRequests !== undefined) this.takesRequests = answer.takesRequests;
    this.allowance = answer.allowance ?? 0;
    for (const [id, outcome] of answer.outcomes ?? []) this.fillOutcome(id, outcome);
    return answer;
  }

  /** The engine's outcome of a put settled here, put into the object that stands for it (its own keys, in its order). */
  private fillOutcome(id: number, outcome: unknown): void {
    const target = this.outcomes.get(id);
    if (!target) throw new Error(`the engine sent the outcome of promise ${id}, which this realm did not settle`);
    this.outcomes.delete(id);
    for (const [key, value] of entries(outcome as object)) defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
  }

  /** bytes(n) drawn here, as the engine would draw them (the same checks, the same PRNG), and queued for it to draw too. */
  private drawn(n: Data): Uint8Array {
    const bytes = this.prng!.bytes(checkByteCount(n));
    this.enqueue({ op: { op: "bytes", n } }, false);
    return bytes;
  }

  private answer(request: LinkRequest): unknown {
    const answer = this.ask(request);
    this.settle(answer.settled);
    return "value" in answer ? answer.value : undefined;
  }

  /** The broker's log lines: only those this realm has not seen yet are asked for. */
  private logs(): readonly TraceEvent[] {
    const more = this.answer({ t: "logs", from: this.logLines.length }) as TraceEvent[];
    for (const line of more) this.logLines.push(line);
    return this.logLines;
  }

  /** Settle the script's promises as the engine did, in its order: their continuations then run in that order. */
  private settle(settled: Settled[]): void {
    for (const [id, ok, outcome] of settled) {
      const waiting = this.pending.get(id);
      if (!waiting) throw new Error(`the engine settled promise ${id}, which this realm does not have`);
      this.pending.delete(id);
      this.queuedPuts.delete(id);
      if (ok) waiting.resolve(outcome);
      else waiting.reject(errorFrom(outcome));
    }
  }
}
