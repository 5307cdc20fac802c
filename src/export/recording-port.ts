/**
 * An EnginePort around the engine's session that writes down each call of the script as it happens: the
 * operation, the line it came from and what the model answered (a value or an error). The exporter turns
 * this log into a flux-core test whose expected outcome is the one the model produced, so the test checks
 * the model against real Flux rather than the script against itself.
 */
import type { EnginePort, InstanceView } from "../engine/api/engine-session.ts";
import type { EngineOp, Site } from "../engine/api/engine-ops.ts";
import { FluxError } from "../engine/sim/errno.ts";
import type { TraceEvent } from "../engine/sim/trace.ts";

export type Outcome = { ok: true; value: unknown } | { ok: false; errno: string | undefined; message: string };

/** A call of the scenario API that has a Flux counterpart; outcome undefined while (or if never) answered. */
export interface CallStep {
  kind: "call";
  line: number | undefined;
  op: EngineOp;
  outcome: Outcome | undefined;
  /** How many steps were recorded when the model answered: more than this step's own index + 1 means later steps ran meanwhile. */
  answeredAfter: number;
}

/** A read of `flux.dmesg(...)`: the broker's log as it was then (the filter is applied by the script's side). */
export interface DmesgStep {
  kind: "dmesg";
  line: number | undefined;
  logs: readonly TraceEvent[];
}

/** Where a call that ran while later steps went on (the script did not await it at once) was answered. */
export interface JoinStep {
  kind: "join";
  line: number | undefined;
  call: CallStep;
}

export type Step = CallStep | DmesgStep | JoinStep;

/**
 * The steps in the order a test runs them: a call answered only after later steps began runs in the background
 * from its place, and is waited for where the model answered it.
 */
export function withJoins(steps: readonly Step[]): Step[] {
  const joins = new Map<number, JoinStep[]>();
  steps.forEach((s, i) => {
    if (s.kind === "call" && s.outcome && s.answeredAfter > i + 1) joins.set(s.answeredAfter, [...(joins.get(s.answeredAfter) ?? []), { kind: "join", line: s.line, call: s }]);
  });
  const out: Step[] = [];
  steps.forEach((s, i) => out.push(...(joins.get(i) ?? []), s));
  out.push(...(joins.get(steps.length) ?? []));
  return out;
}

/** Operations that only feed the script (its console, its payloads, its reads): nothing in Flux to run for them. */
const SCRIPT_ONLY: ReadonlySet<EngineOp["op"]> = new Set(["scenario", "log", "bytes", "instance"]);

export class RecordingPort implements EnginePort {
  readonly steps: Step[] = [];
  readonly view: InstanceView;

  constructor(
    private readonly inner: EnginePort,
    callSite: () => Site,
  ) {
    const steps = this.steps;
    const innerView = inner.view;
    // the view's getters read the instance as it is now: delegate each one, and note a dmesg read with its line
    this.view = Object.create(innerView, {
      logs: {
        value: () => {
          const logs = innerView.logs();
          steps.push({ kind: "dmesg", line: callSite()(), logs: logs.slice() });
          return logs;
        },
      },
    }) as InstanceView;
  }

  call(op: EngineOp, site?: Site): unknown {
    if (SCRIPT_ONLY.has(op.op)) return this.inner.call(op, site);
    const step: CallStep = { kind: "call", line: op.op === "flux.crash" ? op.line : site?.(), op, outcome: undefined, answeredAfter: 0 };
    const answer_ = (outcome: Outcome) => {
      step.outcome = outcome;
      step.answeredAfter = this.steps.length;
    };
    this.steps.push(step);
    let answer: unknown;
    try {
      answer = this.inner.call(op, site);
    } catch (e) {
      answer_(failure(e));
      throw e;
    }
    if (!(answer instanceof Promise)) {
      answer_({ ok: true, value: answer });
      return answer;
    }
    // the script gets this derived promise, so a rejection it leaves unhandled stays unhandled
    return answer.then(
      (value: unknown) => {
        answer_({ ok: true, value });
        return value;
      },
      (e: unknown) => {
        answer_(failure(e));
        throw e;
      },
    );
  }
}

function failure(e: unknown): Outcome {
  return { ok: false, errno: e instanceof FluxError ? e.errno : undefined, message: e instanceof Error ? e.message : String(e) };
}
