/**
 * The engine's side of a realm without an engine (engine-link.ts): each request of the realm, checked (the script
 * runs there and can send anything), carried out on this worker's EngineSession, and answered with what it came to
 * and which of the script's promises settled meanwhile, in order (the Simulation tells of each: Simulation.promises).
 * This engine is the run: its trace, hash and files are what the page shows, whatever the realm does.
 */
import type { EngineSession } from "../engine/api/engine-session.ts";
import type { Settlement } from "../engine/api/simulation.ts";
import { InternalError } from "../engine/sim/internal-error.ts";
import { reproduction, type RunEnding } from "../runner/run-scenario.ts";
import { errorData, VIEW_READS, type AnswerBody, type LinkAnswer, type Settled, type ViewRead } from "./link-protocol.ts";
import { BadScriptMessage, checkEnding, checkOperation } from "./script-protocol.ts";

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A put the realm settled itself did not come to success here (or the instance changed under its puts): the realm
 * ran ahead on an outcome that was not the run's, so the run starts again, without speculation (replayed-run.ts).
 */
export class Mispredicted extends Error {}

/** The run's limit passed while the engine drove for a put the realm settled itself: the run ends there, as its realm would have ended it. */
export class PastLimit extends Error {}

/**
 * The calls after which puts keep being settled in the realm: reads, puts and the clock. Any other (a fill, a fault,
 * a crash, a job workload, a module unloaded, a read-only switch) may make a later put fail, and ends speculation
 * for the run, as does any call that fails or promise that rejects.
 */
const KEEPS_SPECULATING: ReadonlySet<string> = new Set(["log", "bytes", "instance", "scenario", "flux.start", "kvs.put", "kvs.get", "kvs.ls", "kvs.getroot", "content.stats", "flux.stats", "flux.checkpoints", "sim.advance", "sim.settle"]);
/** Disk room kept out of the allowance, and the share of the rest puts may take before the engine looks again. */
const RESERVE_BYTES = 1024 * 1024;
const ALLOWANCE_SHARE = 1 / 4;
const isLine = (v: unknown) => v === undefined || (Number.isInteger(v) && (v as number) > 0);

export class LinkServer {
  /** The script's promises that have not settled, by the number the realm knows each by. */
  private readonly ids = new Map<Promise<unknown>, number>();
  private readonly made = new Set<Promise<unknown>>();
  private settledNow: [Promise<unknown>, Settlement][] = [];
  private nextId = 0;
  private prngSent: readonly number[] | undefined;
  private takesRequestsSent = false;
  /** Whether puts may still be settled in the realm (see KEEPS_SPECULATING). */
  private speculating: boolean;
  private readonly onTurn: (() => void) | undefined;
  /** Set where the realm may settle puts itself (see the constructor). */
  private readonly speculation: { pastLimit: () => boolean } | undefined;
  /** The outcomes of puts the realm settled itself, carried out since the last answer. */
  private outcomes: [number, unknown][] = [];

  /**
   * @param ended told once, with how the realm says the run ended (no answer goes back: the realm is ended)
   * @param onTurn after each step of driving (the recorder sends what piled up)
   * @param speculation given where the realm may settle puts itself (the run can start again if one does not
   *   succeed here); `pastLimit`: whether the run's limit has passed
   */
  constructor(
    private readonly session: EngineSession,
    private readonly ended: (ending: RunEnding, epilogue: boolean) => void,
    { onTurn, speculation }: { onTurn?: (() => void) | undefined; speculation?: { pastLimit: () => boolean } | undefined } = {},
  ) {
    this.onTurn = onTurn;
    this.speculation = speculation;
    this.speculating = speculation !== undefined;
    session.sim.promises = {
      made: (promise) => this.made.add(promise),
      settled: (promise, settlement) => this.settledNow.push([promise, settlement]),
    };
  }

  /** The answer to one request; undefined for the end, which gets none. Throws BadScriptMessage for one the protocol does not allow. */
  answer(request: unknown): LinkAnswer | undefined {
    if (!isRecord(request)) throw new BadScriptMessage("a request that is not a record");
    if (Object.hasOwn(request, "before")) this.carryOutQueued(request.before);
    switch (request.t) {
      case "start":
      case "flush":
        return this.reply({});
      case "call":
        return this.call(request);
      case "view":
        if (!VIEW_READS.includes(request.read as ViewRead)) throw new BadScriptMessage("a read of the instance the API does not have");
        return this.reply({ value: this.read(request.read as ViewRead) });
      case "logs": {
        const from = request.from;
        if (!Number.isInteger(from) || (from as number) < 0) throw new BadScriptMessage("a read of the log from no index");
        return this.reply({ value: this.session.view.logs().slice(from as number) });
      }
      case "drive":
        return this.drive();
      case "reproduction":
        return this.reply({ value: reproduction(this.session.sim) });
      case "end":
        if (typeof request.epilogue !== "boolean") throw new BadScriptMessage("an end of the run of the wrong shape");
        this.ended(checkEnding(request.ending), request.epilogue);
        return undefined;
    }
    throw new BadScriptMessage(`a request of type ${typeof request.t === "string" ? JSON.stringify(request.t.slice(0, 40)) : typeof request.t}`);
  }

  /** The calls the realm queued before this request, each carried out as its own call would have been (link-protocol.ts). */
  private carryOutQueued(before: unknown): void {
    if (!Array.isArray(before)) throw new BadScriptMessage("queued calls that are not a list");
    for (const queued of before) {
      if (!isRecord(queued)) throw new BadScriptMessage("a queued call that is not a record");
      if (Object.hasOwn(queued, "until")) {
        this.driveUntil(queued.until);
        continue;
      }
      const op = checkOperation(queued.op);
      if (op.op === "log" || op.op === "bytes") {
        this.session.call(op);
        continue;
      }
      if (op.op !== "kvs.put" && op.op !== "kvs.get") throw new BadScriptMessage(`a queued ${op.op}: only log lines, bytes, puts and gets are queued`);
      if (queued.id !== this.nextId) throw new BadScriptMessage("a queued call whose promise is not the next one");
      const { body, promise } = this.carriedOut(queued);
      if (!promise || this.settledNow.some(([settled]) => settled === promise)) {
        // a put the realm queued after puts it settled itself: the instance may have changed under those
        if (this.speculation) throw new Mispredicted(`a queued ${op.op} did not wait`);
        throw new InternalError("the engine link", new Error(`a queued ${op.op} did not wait, as its realm expected: ${JSON.stringify(body).slice(0, 200)}`));
      }
    }
  }

  /**
   * A step of driving the realm took itself, on a put's success: drive, step by step as its driver would, until
   * that put's promise settles, the only one the script waits on. Anything else (it fails, the run gets stuck or
   * the engine throws, another promise settles) is Mispredicted; a step's budget run out past the run's limit, PastLimit.
   */
  private driveUntil(id: unknown): void {
    if (!this.speculation) throw new BadScriptMessage("a step the realm settled itself, where it may not");
    const promise = this.ids.size === 1 && this.settledNow.length === 0 ? [...this.ids].find(([, n]) => n === id)?.[0] : undefined;
    if (!promise) throw new Mispredicted(`a put settled in the realm (promise ${String(id).slice(0, 20)}) while the script waited on more`);
    const sim = this.session.sim;
    for (;;) {
      let step: ReturnType<typeof sim.drive>;
      try {
        step = sim.drive();
      } catch (e) {
        throw new Mispredicted(`the engine threw while carrying out a put settled in the realm: ${(e as Error)?.message}`);
      }
      this.onTurn?.();
      const settled = this.settledNow.shift();
      if (settled) {
        const [which, outcome] = settled;
        if (which !== promise || !outcome.ok || this.settledNow.length > 0) throw new Mispredicted("a put settled in the realm did not succeed here");
        this.ids.delete(promise);
        this.outcomes.push([id as number, outcome.value]);
        return;
      }
      if (step === "stuck") throw new Mispredicted("the run got stuck on a put settled in the realm");
      if (step === "budget" && this.speculation.pastLimit()) throw new PastLimit("the run's limit passed while a put settled in the realm waited");
    }
  }

  private call(request: Record<string, unknown>): LinkAnswer {
    return this.reply(this.carriedOut(request).body);
  }

  /** One call carried out: what it came to, and the promise it made (numbered for the realm) if it made one. */
  private carriedOut(request: Record<string, unknown>): { body: AnswerBody; promise?: Promise<unknown> } {
    const op = checkOperation(request.op);
    const sited = Object.hasOwn(request, "line");
    if (sited && !isLine(request.line)) throw new BadScriptMessage("a call from a line that is not one");
    const line = request.line as number | undefined;
    const site = sited
      ? () => line
      : () => {
          throw new InternalError("the engine link", new Error(`${op.op} asked for the line of its call, which the realm sends only for calls that wait`));
        };
    if (!KEEPS_SPECULATING.has(op.op)) this.speculating = false;
    let value: unknown;
    try {
      value = this.session.call(op, site);
    } catch (e) {
      this.speculating = false;
      return { body: { threw: errorData(e) } };
    }
    if (!(value instanceof Promise)) return { body: { value } };
    if (!this.made.delete(value)) throw new InternalError("the engine link", new Error(`${op.op} answered with a promise the simulation did not make`));
    // nobody awaits this side's promises: their rejections are the script's to handle, in its realm
    value.catch(() => {});
    const id = this.nextId++;
    this.ids.set(value, id);
    return { body: { promise: id }, promise: value };
  }

  private drive(): LinkAnswer {
    const sim = this.session.sim;
    if (!sim.hasWaiters()) throw new BadScriptMessage("a step of driving while nothing waited on the simulation");
    let step: ReturnType<typeof sim.drive>;
    try {
      step = sim.drive();
    } catch (e) {
      return this.reply({ threw: errorData(e) });
    }
    this.onTurn?.();
    return this.reply(step === "stuck" ? { step, ...(sim.stuck === undefined ? {} : { stuck: sim.stuck }), ...(sim.stuckLine === undefined ? {} : { stuckLine: sim.stuckLine }) } : { step });
  }

  private read(what: ViewRead): unknown {
    const view = this.session.view;
    return what === "files" ? view.files() : what === "now" ? view.now() : view[what];
  }

  /** `answer` with the settlements since the last answer, each by the number the realm knows its promise by. */
  private reply(answer: AnswerBody): LinkAnswer {
    const settled: Settled[] = this.settledNow.map(([promise, s]) => {
      const id = this.ids.get(promise);
      if (id === undefined) throw new InternalError("the engine link", new Error("the simulation settled a promise the script was never given"));
      this.ids.delete(promise);
      if (!s.ok) this.speculating = false;
      return s.ok ? [id, true, s.value] : [id, false, errorData(s.error)];
    });
    this.settledNow = [];
    return { settled, ...this.prngIfMoved(), ...this.takesRequestsIfChanged(), ...this.speculationNews(), ...answer } as LinkAnswer;
  }

  /** Where the realm may settle puts itself: what it may settle before its next request, and the outcomes of those it did. */
  private speculationNews(): { allowance?: number; outcomes?: [number, unknown][] } {
    if (!this.speculation) return {};
    const outcomes = this.outcomes;
    this.outcomes = [];
    const allowance = this.allowance();
    return { ...(allowance > 0 ? { allowance } : {}), ...(outcomes.length > 0 ? { outcomes } : {}) };
  }

  /**
   * Bytes of puts (speculationCost) the realm may settle itself before it asks again: none once anything may make
   * a put fail (KEEPS_SPECULATING), or while the instance takes no requests or its content cache is read-only.
   * Where a failed write-back makes commits fail (the instance stops, the cache or the kvs goes read-only: failHard,
   * cacheReadOnly, kvsReadOnly), only while none has failed and the disk has room past what the dirty blobs will
   * take; elsewhere a full disk fails no commit (flux-model.md §11). Never more than the largest blob the cache
   * takes, so that no put settled in the realm is one it refuses.
   */
  private allowance(): number {
    const sim = this.session.sim;
    // every answer asks: the cache's snapshot only while it can still matter
    if (!this.speculating || !sim.takesRequests) return 0;
    const broker = sim.existingBroker;
    const cache = broker?.cache?.snapshot();
    if (!broker || !cache || cache.readOnly) return 0;
    const { knobs } = broker;
    const writesFailCommits = knobs.failHard || knobs.cacheReadOnly || knobs.kvsReadOnly;
    const room = !writesFailCommits ? Infinity : cache.backing === null || cache.flushErrno !== null ? 0 : (broker.disk.free - 2 * cache.dirtyBytes - RESERVE_BYTES) * ALLOWANCE_SHARE;
    return Math.max(0, Math.floor(Math.min(room, knobs.blobSizeLimit)));
  }

  /** Whether the instance takes requests, when that changed since the realm was last told. */
  private takesRequestsIfChanged(): { takesRequests?: boolean } {
    const now = this.session.sim.takesRequests;
    if (now === this.takesRequestsSent) return {};
    this.takesRequestsSent = now;
    return { takesRequests: now };
  }

  /** The PRNG's state, if it moved since the realm was last told (not made before the script draws: its seed may still be set). */
  private prngIfMoved(): { prng?: readonly number[] } {
    const state = this.session.sim.existingPrng?.state();
    if (!state || (this.prngSent && state.every((word, i) => word === this.prngSent![i]))) return {};
    this.prngSent = state;
    return { prng: state };
  }
}
