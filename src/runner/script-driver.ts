/**
 * The script's side of a run, wherever its engine is: bind the scenario API to a port, run the script's body, and
 * whenever the script waits on the simulation let the engine take a step of driving, until the script ends; then
 * say how it ended (its error and line, a limit, bad input). runScenario (run-scenario.ts) drives a Simulation of
 * its own thread; a realm without an engine (src/worker/engine-link.ts) drives the engine's worker's over a
 * synchronous channel. Both go through this one loop, so a script meets the same turns and the same answers.
 */
import { createScenarioGlobals, logWriterOf, type ScenarioGlobals } from "../engine/api/scenario-api.ts";
import type { EnginePort } from "../engine/api/engine-session.ts";
import type { DriveStep } from "../engine/api/op-log.ts";
import { host } from "../engine/common/host.ts";
import { FluxError, ScenarioInputError } from "../engine/sim/errno.ts";
import { InternalError } from "../engine/sim/internal-error.ts";
import { format } from "../engine/api/expect.ts";
import { limitStopMessage, RAISE_IN_CLI } from "../engine/api/run-limit.ts";
import { watchUnhandledRejections, type RejectionWatch } from "./unhandled-rejections.ts";
import { LOG_SITES, THROW_SITES } from "./site-names.ts";
import type { RunEnding, ScenarioError } from "./run-scenario.ts";

export const SCENARIO_URL = "scenario.ts";

/** What the script waits on: a Simulation, or the engine's worker's, answered over a channel (engine-link.ts). */
export interface Driven {
  /** True when the script waits for the simulation. */
  hasWaiters(): boolean;
  /** One step of driving (Simulation.drive()); what it throws is a bug in the engine. */
  drive(): Exclude<DriveStep, "error">;
  /** Why the run cannot go on, once a step came to "stuck", and the line of the call it waits for. */
  readonly stuck: string | undefined;
  readonly stuckLine: number | undefined;
}

export interface ScriptRunOptions {
  port: EnginePort;
  driven: Driven;
  limits: DriveLimits;
  /** How to reproduce the run, for the message of a bug in the engine ("this script with seed 1 ..."). */
  reproduction: () => string;
  /** More steps after the script, with the same globals, whether or not the script succeeded (not after it got stuck). */
  epilogue?: ((globals: ScenarioGlobals) => Promise<void>) | undefined;
}

/** Run the script's body (transpiled) to its end, then the epilogue if any; how the run ended. */
export async function runScript(js: string, { port, driven, limits, reproduction, epilogue }: ScriptRunOptions): Promise<RunEnding> {
  const rejections = watchUnhandledRejections();
  const throwSites = new ThrowSites();
  try {
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
      body = new Function(...Object.keys(globals), THROW_SITES, LOG_SITES, `return (async () => {\n${js}\n})();\n//# sourceURL=${SCENARIO_URL}`) as typeof body;
    } catch (e) {
      return { error: { message: `syntax error: ${(e as Error).message}` }, badInput: true };
    }
    const failure = await drive(driven, rejections, limits, () => body(...Object.values(globals), throwSites.recorder, logSites(globals.log)));
    scriptEnded = true;
    // a stuck script does not stop an epilogue: it acts, as an admin would, on the instance as it is
    if (epilogue && !(failure instanceof ScenarioInputError) && !(failure instanceof InternalError)) await drive(driven, rejections, limits, () => epilogue(createScenarioGlobals(port)));
    if (failure === NO_FAILURE) return {};
    const ending: RunEnding = { error: errorOf(failure, throwSites, reproduction), ...(failure instanceof ScenarioInputError ? { badInput: true } : {}) };
    return failure instanceof TimeLimitReached ? { ...ending, cutShort: true } : ending;
  } finally {
    rejections.stop();
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
export interface DriveLimits {
  deadline: number;
  timeLimitMs: number;
  raiseLimit: string;
  onTurn: (() => void) | undefined;
  /** Told what each step of driving came to (the op log's "drive" entries). */
  onStep?: ((step: DriveStep) => void) | undefined;
}

export const NO_LIMITS: DriveLimits = { deadline: Infinity, timeLimitMs: 0, raiseLimit: RAISE_IN_CLI, onTurn: undefined };

/**
 * Run the script; whenever it is blocked on the simulation, run events until
 * something answers. Ends with what ended the script: its own error, a
 * rejection it left unhandled, the simulation being stuck, or an exception
 * inside the engine (a bug, reported as such).
 */
export async function drive(driven: Driven, rejections: RejectionWatch, { deadline, timeLimitMs, raiseLimit, onTurn, onStep }: DriveLimits, start: () => Promise<void>): Promise<unknown> {
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
    if (!driven.hasWaiters()) return new Error("the script waits for a promise that nothing in the simulation will ever settle");
    if (host.now() > deadline) return new TimeLimitReached(timeLimitMs, raiseLimit);
    let step: Exclude<DriveStep, "error">;
    try {
      step = driven.drive();
    } catch (e) {
      onStep?.("error");
      return InternalError.of("the simulation", e);
    }
    onStep?.(step);
    if (step === "stuck") return Object.assign(new Error(driven.stuck), driven.stuckLine ? { line: driven.stuckLine } : {});
    onTurn?.();
  }
}

/** One line for whatever ended the script (`throwSites`: where its last throws were, for a thrown non-Error). */
export function errorOf(e: unknown, throwSites: ThrowSites | undefined, reproduction: () => string): ScenarioError {
  if (e instanceof UnhandledRejection) {
    const inner = e.reason === undefined ? { message: "undefined" } : errorOf(e.reason, throwSites, reproduction);
    return { ...inner, message: `unhandled rejection: ${inner.message}` };
  }
  if (e instanceof TimeLimitReached) return { message: e.message, limitMs: e.limitMs };
  if (e instanceof InternalError) return { message: `${oneLine(e.message)} (a bug in the playground, not in the script: ${reproduction()})` };
  const err = e as { errno?: unknown; line?: unknown; stack?: unknown } | undefined;
  const message = e === undefined ? "the script threw undefined" : oneLine(e instanceof Error ? e.message || e.name : format(e));
  const line = typeof err?.line === "number" ? err.line : (lineFromStack(err?.stack) ?? throwSites?.lineOf(e));
  return { message, ...(e instanceof FluxError ? { errno: e.errno } : {}), ...(line ? { line } : {}) };
}

/** An error is shown on one line of the console and the editor: line breaks become spaces, and an echo of a huge value is cut. */
function oneLine(text: string): string {
  const line = text.replace(/\s*\n\s*/g, " ");
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE)}…` : line;
}

const MAX_MESSAGE = 1500;

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
export function scriptSite(): () => number | undefined {
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
