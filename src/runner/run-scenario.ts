/**
 * Run one scenario text to the end in this thread: transpile it, bind the
 * scenario API to a fresh Simulation, and drive virtual time whenever the
 * script waits. The Node worker and the page's Web Worker both call this; the
 * wall-clock limit and Stop live outside, where the thread can be terminated.
 */
import { createScenarioGlobals, logWriterOf, type ScenarioGlobals } from "../engine/api/scenario-api.ts";
import { EngineSession, type EnginePort } from "../engine/api/engine-session.ts";
import { RecordingPort, type DriveStep, type LogEntry } from "../engine/api/op-log.ts";
import { host } from "../engine/common/host.ts";
import type { Site } from "../engine/api/engine-ops.ts";
import { ScenarioInputError, Simulation, type RunOverrides } from "../engine/api/simulation.ts";
import type { SqlJsWithFS } from "../engine/disk/sqljs-patch.ts";
import { FluxError } from "../engine/sim/errno.ts";
import type { TraceEvent } from "../engine/sim/trace.ts";
import type { Broker } from "../engine/broker/broker.ts";
import type { InstanceKind } from "../engine/broker/systemd.ts";
import { InternalError } from "../engine/sim/internal-error.ts";
import { format } from "../engine/api/expect.ts";
import { limitStopMessage, RAISE_IN_CLI } from "../engine/api/run-limit.ts";
import { watchUnhandledRejections, type RejectionWatch } from "./unhandled-rejections.ts";
import { LOG_SITES, THROW_SITES } from "./site-names.ts";
import type { TranspileResult } from "./transpile.ts";

export const SCENARIO_URL = "scenario.ts";

export interface ScenarioError {
  message: string;
  errno?: string;
  line?: number;
  /** The run limit (ms) that cut the run short, when that is what ended it (the page offers a longer one). */
  limitMs?: number;
}

export interface ScenarioResult {
  ok: boolean;
  error?: ScenarioError;
  /** True when the script could not run at all (syntax error, bad settings): exit code 2. */
  badInput?: boolean;
  /** True when a wall-clock limit or Stop ended the run: how far it got depends on the machine, so its trace hash fingerprints nothing. */
  cutShort?: boolean;
  logs: string[];
  traceHash: string;
  events: number;
  disk: { quota: number; used: number };
  state: string;
  policy: string;
  seed: number;
  /** The instance kind it ran (`scenario({ instance })`), for the stack's label; absent where no run reported it (a run ended from outside). */
  instance?: InstanceKind;
}

/** Where a run is (or ended): everything of its result but the verdict. */
export type RunSummary = Omit<ScenarioResult, "ok" | "error" | "badInput" | "cutShort">;

export interface RunOptions {
  sql: SqlJsWithFS;
  overrides?: RunOverrides;
  retainTrace?: boolean;
  onLog?: (text: string) => void;
  /** Receives the whole trace before the simulation is disposed (the page, tests). */
  onTrace?: (events: readonly TraceEvent[]) => void;
  /** Called when the instance is created: subscribe to its trace or take snapshots from here. */
  onBroker?: (broker: Broker) => void;
  /**
   * Wall-clock limit: the run ends at the script's next wait after this many
   * ms, keeping everything (a script that never waits needs its thread
   * terminated from outside instead).
   */
  timeLimitMs?: number;
  /** How the one who runs the script raises the limit, for the message of a run it cut (default: the CLI's ways). */
  raiseLimit?: string;
  /** Called with the simulation before the script starts (to report on the run while it goes). */
  onSimulation?: (sim: Simulation) => void;
  /** Called each time the runner is about to let the script go on (a good moment to report progress: the script may never yield again). */
  onTurn?: () => void;
  /** Called with the simulation after the script ended and before it is disposed (tests inspect the statedir here). */
  beforeDispose?: (sim: Simulation) => void;
  /** The port the script's calls go through, around the session that carries them out (the exporter records each call here). */
  wrapPort?: (session: EnginePort, callSite: () => Site) => EnginePort;
  /** More steps after the script, with the same globals, whether or not the script succeeded (not after it got stuck). */
  epilogue?: (globals: ScenarioGlobals) => Promise<void>;
  /** Receives the run as a log of operations (op-log.ts), for a realm that replays it: the script's own realm's runner. */
  record?: (entry: LogEntry) => void;
}

/**
 * The transpiler (sucrase: 190 KB, more than a fifth of the page's engine worker), loaded by the first run that
 * needs it. The page's engine worker transpiles each run's script (warm, as a fresh realm's sucrase never is) and
 * hands the realm the result (replayed-run.ts), so a script's realm never loads it.
 */
export function loadTranspiler(): Promise<typeof import("./transpile.ts")> {
  return import("./transpile.ts");
}

/** @param script the scenario's text, or that text transpiled already (transpile.ts) */
export async function runScenario(script: string | TranspileResult, opts: RunOptions): Promise<ScenarioResult> {
  const compiled = typeof script === "string" ? (await loadTranspiler()).transpileScenario(script) : script;
  const logs: string[] = [];
  const sim = new Simulation({
    sql: opts.sql,
    retainTrace: opts.retainTrace ?? true,
    ...(opts.overrides ? { overrides: opts.overrides } : {}),
    ...(opts.onBroker ? { onBroker: opts.onBroker } : {}),
  });
  opts.onSimulation?.(sim);
  const rejections = watchUnhandledRejections();
  const throwSites = new ThrowSites();
  try {
    if (compiled.error) return finish(sim, logs, compiled.error, true);
    try {
      void sim.settings; // refuse a bad --policy / --seed before running anything
    } catch (e) {
      return finish(sim, logs, errorOf(sim, e, throwSites), true);
    }
    const session = new EngineSession(sim, (line) => {
      logs.push(line);
      opts.onLog?.(line);
    });
    const recording = opts.record && new RecordingPort(session, opts.record);
    const port: EnginePort = recording ?? (opts.wrapPort ? opts.wrapPort(session, scriptSite) : session);
    let scriptEnded = false;
    // once the script has ended, what it left waiting may still wake (in an epilogue): it calls nothing any more
    const scriptPort: EnginePort = {
      view: port.view,
      call: (op, site) => {
        if (scriptEnded) throw new Error("the script's run has ended: a call it makes after that does nothing");
        return port.call(op, site);
      },
    };
    const globals = createScenarioGlobals(scriptPort, { callSite: scriptSite });
    let body: (...args: unknown[]) => Promise<void>;
    try {
      body = new Function(...Object.keys(globals), THROW_SITES, LOG_SITES, `return (async () => {\n${compiled.js}\n})();\n//# sourceURL=${SCENARIO_URL}`) as typeof body;
    } catch (e) {
      return finish(sim, logs, { message: `syntax error: ${(e as Error).message}` }, true);
    }
    const limits: DriveLimits = {
      deadline: opts.timeLimitMs === undefined ? Infinity : host.now() + opts.timeLimitMs,
      timeLimitMs: opts.timeLimitMs ?? 0,
      raiseLimit: opts.raiseLimit ?? RAISE_IN_CLI,
      onTurn: opts.onTurn,
      onStep: recording && ((step) => recording.drove(step)),
    };
    const failure = await drive(sim, rejections, limits, () => body(...Object.values(globals), throwSites.recorder, logSites(globals.log)));
    scriptEnded = true;
    const epilogue = opts.epilogue;
    // a stuck script does not stop an epilogue: it acts, as an admin would, on the instance as it is
    if (epilogue && !(failure instanceof ScenarioInputError) && !(failure instanceof InternalError)) await drive(sim, rejections, limits, () => epilogue(createScenarioGlobals(port)));
    if (failure !== NO_FAILURE) {
      const result = finish(sim, logs, errorOf(sim, failure, throwSites), failure instanceof ScenarioInputError, opts.onTrace);
      return failure instanceof TimeLimitReached ? { ...result, cutShort: true } : result;
    }
    return finish(sim, logs, undefined, false, opts.onTrace);
  } finally {
    rejections.stop();
    opts.beforeDispose?.(sim);
    sim.dispose();
  }
}

/**
 * LOG_SITES for a run (see transpile.ts): a marked call of the run's own
 * `log` logs with the line it was marked with; anything else (a `log` the
 * script declared itself) is given back untouched. One function per line.
 */
function logSites(log: ScenarioGlobals["log"]): (line: number, fn: unknown) => unknown {
  const write = logWriterOf(log)!;
  const byLine: ((...values: unknown[]) => void)[] = [];
  return (line, fn) => (fn === log ? (byLine[line] ??= (...values: unknown[]) => write(line, values)) : fn);
}

/** The line of the script's last `throw` and what it threw (see transpile.ts): where a thrown non-Error came from. */
class ThrowSites {
  private last: { line: number; value: unknown } | undefined;
  readonly recorder = new Proxy(
    {},
    {
      set: (_target, line, value) => {
        this.last = { line: Number(line), value };
        return true;
      },
    },
  );

  lineOf(value: unknown): number | undefined {
    return this.last && Object.is(this.last.value, value) ? this.last.line : undefined;
  }
}

/** The run met its wall-clock limit while it still waited on the simulation. */
class TimeLimitReached extends Error {
  constructor(readonly limitMs: number, raiseLimit: string) {
    super(limitStopMessage(limitMs, raiseLimit));
  }
}

/** What drive() returns when the script ran to the end (a script may throw undefined, so not that). */
const NO_FAILURE = Symbol("no failure");

/** A rejection the script never handled: it ends the run as an escaped error does. */
class UnhandledRejection {
  constructor(readonly reason: unknown) {}
}

/** When drive() gives up (a wall-clock deadline) and whom it tells of each turn. */
interface DriveLimits {
  deadline: number;
  timeLimitMs: number;
  raiseLimit: string;
  onTurn: (() => void) | undefined;
  /** Told what each step of driving came to (the op log's "drive" entries). */
  onStep?: ((step: DriveStep) => void) | undefined;
}

const NO_LIMITS: DriveLimits = { deadline: Infinity, timeLimitMs: 0, raiseLimit: RAISE_IN_CLI, onTurn: undefined };

/**
 * Run `epilogue` on a session whose script has ended (a replayed run: src/worker/replayed-run.ts), as runScenario
 * runs its own epilogue after the script; what it throws is ignored there too.
 */
export async function runEpilogue(session: EngineSession, epilogue: (globals: ScenarioGlobals) => Promise<void>, onTurn?: () => void): Promise<void> {
  const rejections = watchUnhandledRejections();
  try {
    await drive(session.sim, rejections, { ...NO_LIMITS, onTurn }, () => epilogue(createScenarioGlobals(session)));
  } finally {
    rejections.stop();
  }
}

/**
 * Run the script; whenever it is blocked on the simulation, run events until
 * something answers. Ends with what ended the script: its own error, a
 * rejection it left unhandled, the simulation being stuck, or an exception
 * inside the engine (a bug, reported as such).
 */
async function drive(sim: Simulation, rejections: RejectionWatch, { deadline, timeLimitMs, raiseLimit, onTurn, onStep }: DriveLimits, start: () => Promise<void>): Promise<unknown> {
  let settled = false;
  let failure: unknown = NO_FAILURE;
  start().then(
    () => (settled = true),
    (e: unknown) => {
      settled = true;
      failure = e;
    },
  );
  for (;;) {
    await yieldToEventLoop();
    // the host reports an unhandled rejection a turn after it happened: give it that turn at the end too
    if (settled) await finalTurn();
    const unhandled = rejections.take();
    if (unhandled) return new UnhandledRejection(unhandled.reason);
    if (settled) return failure;
    if (!sim.hasWaiters()) return new Error("the script waits for a promise that nothing in the simulation will ever settle");
    if (host.now() > deadline) return new TimeLimitReached(timeLimitMs, raiseLimit);
    let step: ReturnType<Simulation["drive"]>;
    try {
      step = sim.drive();
    } catch (e) {
      onStep?.("error");
      return InternalError.of("the simulation", e);
    }
    onStep?.(step);
    if (step === "stuck") return Object.assign(new Error(sim.stuck), sim.stuckLine ? { line: sim.stuckLine } : {});
    onTurn?.();
  }
}

function finish(
  sim: Simulation,
  logs: string[],
  error: ScenarioError | undefined,
  badInput: boolean,
  onTrace?: (events: readonly TraceEvent[]) => void,
): ScenarioResult {
  if (!badInput) onTrace?.(sim.broker.trace.all());
  else onTrace?.([]);
  return resultOf(sim, logs, { ...(error ? { error } : {}), ...(badInput ? { badInput } : {}) });
}

/** How a script's run ended, as its runner tells it: everything of the result that is not the simulation's. */
export type RunEnding = Pick<ScenarioResult, "error" | "badInput" | "cutShort">;

/** The result of a run that ended so, read from its simulation (which gets its instance now, unless the input was bad). */
export function resultOf(sim: Simulation, logs: string[], ending: RunEnding): ScenarioResult {
  const broker = ending.badInput ? undefined : sim.broker;
  return { ok: !ending.error, ...ending, ...summarize(sim, logs, broker) };
}

/** Where the run is now: logs, trace, instance and disk (`broker` undefined: nothing made it yet, or the input was bad). */
export function summarize(sim: Simulation, logs: string[], broker = sim.existingBroker): RunSummary {
  let settings: { policy: string; seed: number; instance: InstanceKind } = { policy: "?", seed: 0, instance: "test" };
  try {
    settings = sim.settings;
  } catch {
    // bad settings: nothing to report about them but the error
  }
  return {
    logs,
    traceHash: broker?.trace.hash() ?? "",
    events: broker?.trace.length ?? 0,
    disk: { quota: broker?.disk.quota ?? 0, used: broker?.disk.used ?? 0 },
    state: broker?.state ?? "down",
    policy: settings.policy,
    seed: settings.seed,
    instance: settings.instance,
  };
}

/** One line for whatever ended the script, with the script line it came from when known. */
function errorOf(sim: Simulation, e: unknown, throwSites: ThrowSites): ScenarioError {
  if (e instanceof UnhandledRejection) {
    const inner = e.reason === undefined ? { message: "undefined" } : errorOf(sim, e.reason, throwSites);
    return { ...inner, message: `unhandled rejection: ${inner.message}` };
  }
  if (e instanceof TimeLimitReached) return { message: e.message, limitMs: e.limitMs };
  if (e instanceof InternalError) return { message: `${oneLine(e.message)} (a bug in the playground, not in the script: ${reproduction(sim)})` };
  const err = e as { errno?: unknown; line?: unknown; stack?: unknown } | undefined;
  const message = e === undefined ? "the script threw undefined" : oneLine(e instanceof Error ? e.message || e.name : format(e));
  const line = typeof err?.line === "number" ? err.line : (lineFromStack(err?.stack) ?? throwSites.lineOf(e));
  return { message, ...(e instanceof FluxError ? { errno: e.errno } : {}), ...(line ? { line } : {}) };
}

/** An error is shown on one line of the console and the editor: line breaks become spaces, and an echo of a huge value is cut. */
function oneLine(text: string): string {
  const line = text.replace(/\s*\n\s*/g, " ");
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE)}…` : line;
}

const MAX_MESSAGE = 1500;

function reproduction(sim: Simulation): string {
  try {
    const { seed, policy } = sim.settings;
    return `this script with seed ${seed} and policy ${policy} reproduces it`;
  } catch {
    return "this script reproduces it";
  }
}

// The scenario's text starts on the second line of the generated function body;
// V8 adds two lines of its own ("function anonymous(...\n) {\n") in front.
const HEADER_LINES = 3;
const FRAME = new RegExp(`[\\s(/]${SCENARIO_URL.replace(".", "\\.")}:(\\d+):\\d+`);

function lineFromStack(stack: unknown): number | undefined {
  const m = typeof stack === "string" ? FRAME.exec(stack) : null;
  return m ? Number(m[1]) - HEADER_LINES : undefined;
}

/**
 * Capture the stack now (cheap); read the scenario's line from it only if
 * someone asks. Formatting a stack as text is not cheap (in Node with source
 * maps on, ~50 µs: most of what a log() line cost), so V8 is asked for its
 * frames instead, and text is parsed only where there is no such API.
 */
function scriptSite(): () => number | undefined {
  const here = new Error();
  let line: { value: number | undefined } | undefined;
  // V8 prepares a stack once: the line is worked out on the first ask and remembered
  return () => (line ??= { value: scriptLineOf(here) }).value;
}

type V8CallSite = { getFileName(): string | null | undefined; getLineNumber(): number | null; toString(): string };
type V8ErrorConstructor = ErrorConstructor & { prepareStackTrace?: (error: Error, frames: V8CallSite[]) => unknown };

function scriptLineOf(error: Error): number | undefined {
  const v8 = Error as V8ErrorConstructor;
  if (!("captureStackTrace" in Error)) return lineFromStack(error.stack);
  const original = v8.prepareStackTrace;
  let line: number | null | undefined;
  v8.prepareStackTrace = (_error, frames) => {
    for (const frame of frames) {
      const file = frame.getFileName();
      // Node names the script by its sourceURL; Chromium may resolve it against the worker's URL, or name an eval frame
      if (file === SCENARIO_URL || file?.endsWith(`/${SCENARIO_URL}`)) return void (line = frame.getLineNumber());
      // a frame with a file of its own is the engine's or the runner's; only an eval frame names the script in its
      // text alone, and formatting a frame as text is what a log() line cost most (profiled: 0.5 s of 200 000 lines)
      if (file) continue;
      const m = FRAME.exec(` ${String(frame)}`);
      if (m) return void (line = Number(m[1]));
    }
  };
  try {
    void error.stack; // V8 builds the stack on first read, with the prepareStackTrace of that moment
  } finally {
    v8.prepareStackTrace = original;
  }
  return typeof line === "number" ? line - HEADER_LINES : undefined;
}

const channel = host.MessageChannel && !host.hasSetImmediate ? new host.MessageChannel() : undefined;
const queued: (() => void)[] = [];
// Two hops: a browser queues its unhandledrejection events as a task when the microtasks of the task that
// rejected are done, i.e. after our first hop was posted; the second hop comes after them. Then the runner
// sees an unhandled rejection at the same point of the script as in Node, and the trace hashes agree.
if (channel) channel.port1.onmessage = (e: MessageEvent<number>) => (e.data === 0 ? channel.port2.postMessage(1) : queued.shift()?.());

/** A turn of the host's own timers: late enough that a browser has dispatched its unhandledrejection events. */
function finalTurn(): Promise<void> {
  return new Promise((resolve) => host.nextTurn(resolve));
}

/** Let every pending microtask (the script's continuations) run, and the host report what they left unhandled: a macrotask turn, without timer clamping. */
function yieldToEventLoop(): Promise<void> {
  if (!channel) return new Promise((resolve) => host.nextTurn(resolve));
  return new Promise((resolve) => {
    queued.push(resolve);
    channel.port2.postMessage(0);
  });
}
