/**
 * Run one scenario text to the end in this thread: transpile it, bind the
 * scenario API to a fresh Simulation, and drive virtual time whenever the
 * script waits. The Node worker and the page's Web Worker both call this; the
 * wall-clock limit and Stop live outside, where the thread can be terminated.
 */
import { createScenarioGlobals, type ScenarioGlobals } from "../engine/api/scenario-api.ts";
import { EngineSession, type EnginePort } from "../engine/api/engine-session.ts";
import { RecordingPort, type LogEntry } from "../engine/api/op-log.ts";
import { host } from "../engine/common/host.ts";
import type { Site } from "../engine/api/engine-ops.ts";
import { Simulation, type RunOverrides } from "../engine/api/simulation.ts";
import type { SqlJsWithFS } from "../engine/disk/sqljs-patch.ts";
import type { TraceEvent } from "../engine/sim/trace.ts";
import type { Broker } from "../engine/broker/broker.ts";
import type { InstanceKind } from "../engine/broker/systemd.ts";
import { RAISE_IN_CLI } from "../engine/api/run-limit.ts";
import { watchUnhandledRejections } from "./unhandled-rejections.ts";
import { drive, errorOf, NO_LIMITS, runScript, scriptSite, type DriveLimits } from "./script-driver.ts";
import type { TranspileResult } from "./transpile.ts";

export { SCENARIO_URL } from "./script-driver.ts";

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
  try {
    if (compiled.error) return finish(sim, logs, { error: compiled.error, badInput: true });
    try {
      void sim.settings; // refuse a bad --policy / --seed before running anything
    } catch (e) {
      return finish(sim, logs, { error: errorOf(e, undefined, () => reproduction(sim)), badInput: true });
    }
    const session = new EngineSession(sim, (line) => {
      logs.push(line);
      opts.onLog?.(line);
    });
    const recording = opts.record && new RecordingPort(session, opts.record);
    const port: EnginePort = recording ?? (opts.wrapPort ? opts.wrapPort(session, scriptSite) : session);
    const limits: DriveLimits = {
      deadline: opts.timeLimitMs === undefined ? Infinity : host.now() + opts.timeLimitMs,
      timeLimitMs: opts.timeLimitMs ?? 0,
      raiseLimit: opts.raiseLimit ?? RAISE_IN_CLI,
      onTurn: opts.onTurn,
      onStep: recording && ((step) => recording.drove(step)),
    };
    const ending = await runScript(compiled.js ?? "", { port, driven: sim, limits, reproduction: () => reproduction(sim), epilogue: opts.epilogue });
    return finish(sim, logs, ending, opts.onTrace);
  } finally {
    opts.beforeDispose?.(sim);
    sim.dispose();
  }
}

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

function finish(sim: Simulation, logs: string[], ending: RunEnding, onTrace?: (events: readonly TraceEvent[]) => void): ScenarioResult {
  onTrace?.(ending.badInput ? [] : sim.broker.trace.all());
  return resultOf(sim, logs, ending);
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

/** How to reproduce a run of `sim`, for the message of a bug in the engine. */
export function reproduction(sim: Simulation): string {
  try {
    const { seed, policy } = sim.settings;
    return `this script with seed ${seed} and policy ${policy} reproduces it`;
  } catch {
    return "this script reproduces it";
  }
}

