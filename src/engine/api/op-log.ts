/**
 * A run as a log of what the script asked, so that another realm can carry it out again and check it.
 *
 * The script's realm runs the script against its own EngineSession through a RecordingPort, which writes down
 * each operation (engine-ops.ts) once it has executed, with how it ended; the line of a call when the engine
 * first asks for it (the line is worked out lazily: reading a stack costs); where the script let the simulation
 * run ("drive", and what that step came to); and that a read of the instance made it ("instance" op). A Replay
 * feeds such a log to a fresh EngineSession of its own, in the same order, and checks that every operation ends
 * as it did for the script. The trace, its hash and everything drawn from it are then the replay's: the script
 * cannot make them say anything its operations did not do.
 */
import { FluxError } from "../sim/errno.ts";
import type { EngineOp, Site } from "./engine-ops.ts";
import type { EnginePort, EngineSession, InstanceView } from "./engine-session.ts";

/** How an operation ended: a value (described, not copied: bytes by their length), a throw, or a promise. */
export type Outcome = { value: unknown } | { threw: string } | { promise: true };

/** What a step of driving came to (sim.drive()), or "error" if it threw (a bug in the engine: the run ends on it). */
export type DriveStep = "progress" | "stuck" | "budget" | "error";

export type LogEntry =
  | { kind: "op"; op: EngineOp; outcome: Outcome }
  /** The line of operation number `index` (counted from 0 over the op entries), when the engine first asked. */
  | { kind: "line"; index: number; line: number | undefined }
  | { kind: "drive"; step: DriveStep };

/** The replay did not end as the script's run did: the script's realm was not the engine it claimed. */
export class ReplayDiverged extends Error {
  constructor(what: string) {
    super(`the script changed the realm it ran in (${what}), so its run cannot be verified: no result is shown for it`);
  }
}

/** An operation's value described for comparison: plain data as it is, bytes by their length. */
export function describe(value: unknown): unknown {
  if (value instanceof Uint8Array) return { bytes: value.length };
  if (value === undefined || value === null || typeof value !== "object") return value;
  return JSON.parse(JSON.stringify(value)) as unknown;
}

function thrown(e: unknown): Outcome {
  return { threw: e instanceof FluxError ? `${e.errno}: ${e.message}` : e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
}

function outcomeOf(value: unknown): Outcome {
  return value instanceof Promise ? { promise: true } : { value: describe(value) };
}

/** An EnginePort that carries each operation out on `session` and writes it down, with its outcome, to `emit`. */
export class RecordingPort implements EnginePort {
  readonly view: InstanceView;
  private ops = 0;

  constructor(
    private readonly session: EngineSession,
    private readonly emit: (entry: LogEntry) => void,
  ) {
    this.view = this.recordedView(session.view);
  }

  call(op: EngineOp, site?: Site): unknown {
    const index = this.ops++;
    let value: unknown;
    try {
      value = this.session.call(op, site && this.recordedSite(index, site));
    } catch (e) {
      this.emit({ kind: "op", op, outcome: thrown(e) });
      throw e;
    }
    this.emit({ kind: "op", op, outcome: outcomeOf(value) });
    return value;
  }

  /** The script waited, and the simulation took one step of driving. */
  drove(step: DriveStep): void {
    this.emit({ kind: "drive", step });
  }

  /** The site, which writes its line down the first time the engine asks for it (at that moment of the run). */
  private recordedSite(index: number, site: Site): Site {
    let told = false;
    return () => {
      const line = site();
      if (!told) {
        told = true;
        this.emit({ kind: "line", index, line });
      }
      return line;
    };
  }

  /** The instance view, except that a read which would make the instance first makes it as an operation of its own. */
  private recordedView(view: InstanceView): InstanceView {
    const made = () => {
      if (!this.session.sim.existingBroker) this.call({ op: "instance" });
    };
    return {
      get state() {
        made();
        return view.state;
      },
      get exitCode() {
        made();
        return view.exitCode;
      },
      get quota() {
        made();
        return view.quota;
      },
      get used() {
        made();
        return view.used;
      },
      get free() {
        made();
        return view.free;
      },
      files: () => (made(), view.files()),
      logs: () => (made(), view.logs()),
      now: () => view.now(),
    };
  }
}

/** Carries a recorded log out again on a session of its own, entry by entry, as the entries arrive. */
export class Replay {
  private readonly lines = new Map<number, number | undefined>();
  private ops = 0;

  /** @param onTurn told after each step of driving (the recorder sends what piled up). */
  constructor(
    readonly session: EngineSession,
    private readonly onTurn?: () => void,
  ) {}

  /** Carry out one entry; throws ReplayDiverged if it ends otherwise than it did for the script. */
  apply(entry: LogEntry): void {
    if (entry.kind === "line") return void this.lines.set(entry.index, entry.line);
    if (entry.kind === "drive") return this.drive(entry.step);
    const index = this.ops++;
    let outcome: Outcome;
    try {
      const value = this.session.call(entry.op, () => this.lines.get(index));
      // nobody awaits the replay's promises: their rejections are the script's to handle, and it did
      if (value instanceof Promise) value.catch(() => {});
      outcome = outcomeOf(value);
    } catch (e) {
      outcome = thrown(e);
    }
    if (JSON.stringify(outcome) !== JSON.stringify(entry.outcome)) {
      throw new ReplayDiverged(`${entry.op.op} ended ${summary(outcome)} here and ${summary(entry.outcome)} in the script's realm`);
    }
  }

  private drive(step: DriveStep): void {
    const sim = this.session.sim;
    if (!sim.hasWaiters()) throw new ReplayDiverged("the simulation was driven while nothing waited on it");
    let here: DriveStep;
    try {
      here = sim.drive();
    } catch {
      here = "error";
    }
    if (here !== step) throw new ReplayDiverged(`a step of the simulation came to "${here}" here and "${step}" in the script's realm`);
    this.onTurn?.();
  }
}

function summary(outcome: Outcome): string {
  const text = "threw" in outcome ? `with ${outcome.threw}` : "promise" in outcome ? "with a promise" : `with ${JSON.stringify(outcome.value) ?? "undefined"}`;
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
