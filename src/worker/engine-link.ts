/**
 * The engine as a realm without one sees it: an EnginePort and a Driven (script-driver.ts) whose every call,
 * read and step of driving is one request to the engine's worker, answered while this realm waits (a synchronous
 * exchange: sync-pipe.ts in the page, a direct call in tests). The engine runs once per run, warm, in its worker;
 * this realm holds only the script, the API's script side and a promise for each call that waits, settled as the
 * engine tells it (link-protocol.ts).
 */
import type { Data, EngineOp, OpName, Site } from "../engine/api/engine-ops.ts";
import { checkByteCount, checkKey, isFlag, type EnginePort, type InstanceView } from "../engine/api/engine-session.ts";
import { Prng } from "../engine/sim/prng.ts";
import type { TraceEvent } from "../engine/sim/trace.ts";
import type { RunEnding } from "../runner/run-scenario.ts";
import { ProgressClock } from "../runner/progress.ts";
import type { Driven } from "../runner/script-driver.ts";
import { errorFrom, type LinkAnswer, type LinkRequest, type QueuedCall, type Settled, type ViewRead } from "./link-protocol.ts";

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

export class EngineLink implements EnginePort, Driven {
  readonly view: InstanceView;
  stuck: string | undefined;
  stuckLine: number | undefined;
  private readonly pending = new Map<number, Pending>();
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

  private promiseNumbered(id: number): Promise<unknown> {
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  /** A call the engine can only answer with a promise that waits: the promise, made here; the call goes with the next request. */
  private queuedPromise(call: QueuedCall): Promise<unknown> {
    const id = this.nextPromise++;
    this.enqueue({ ...call, id }, false);
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
    if (urgent ? this.queueClock.due(this.queued.length) : this.queued.length >= QUEUED_LINES) this.ask({ t: "flush" });
  }

  private withQueued(request: LinkRequest): LinkRequest {
    if (this.queued.length === 0) return request;
    const before = this.queued;
    this.queued = [];
    return { ...request, before };
  }

  private ask(request: LinkRequest): LinkAnswer {
    const answer = this.exchange.ask(this.withQueued(request));
    if (answer.prng) this.prng = new Prng(answer.prng);
    if (answer.takesRequests !== undefined) this.takesRequests = answer.takesRequests;
    return answer;
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
      if (ok) waiting.resolve(outcome);
      else waiting.reject(errorFrom(outcome));
    }
  }
}
