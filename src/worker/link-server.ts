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
const isLine = (v: unknown) => v === undefined || (Number.isInteger(v) && (v as number) > 0);

export class LinkServer {
  /** The script's promises that have not settled, by the number the realm knows each by. */
  private readonly ids = new Map<Promise<unknown>, number>();
  private readonly made = new Set<Promise<unknown>>();
  private settledNow: [Promise<unknown>, Settlement][] = [];
  private nextId = 0;
  private prngSent: readonly number[] | undefined;
  private takesRequestsSent = false;

  /**
   * @param ended told once, with how the realm says the run ended (no answer goes back: the realm is ended)
   * @param onTurn after each step of driving (the recorder sends what piled up)
   */
  constructor(
    private readonly session: EngineSession,
    private readonly ended: (ending: RunEnding, epilogue: boolean) => void,
    private readonly onTurn?: () => void,
  ) {
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
      const op = checkOperation(queued.op);
      if (op.op === "log" || op.op === "bytes") {
        this.session.call(op);
        continue;
      }
      if (op.op !== "kvs.put" && op.op !== "kvs.get") throw new BadScriptMessage(`a queued ${op.op}: only log lines, bytes, puts and gets are queued`);
      if (queued.id !== this.nextId) throw new BadScriptMessage("a queued call whose promise is not the next one");
      const { body, promise } = this.carriedOut(queued);
      if (!promise || this.settledNow.some(([settled]) => settled === promise)) {
        throw new InternalError("the engine link", new Error(`a queued ${op.op} did not wait, as its realm expected: ${JSON.stringify(body).slice(0, 200)}`));
      }
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
    let value: unknown;
    try {
      value = this.session.call(op, site);
    } catch (e) {
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
      return s.ok ? [id, true, s.value] : [id, false, errorData(s.error)];
    });
    this.settledNow = [];
    return { settled, ...this.prngIfMoved(), ...this.takesRequestsIfChanged(), ...answer } as LinkAnswer;
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
