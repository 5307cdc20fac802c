/**
 * A run as the engine's worker carries it out: the script runs in a realm of its own, and this side's Simulation is
 * the run: the only one that computes the trace hash, records frames (through onBroker), keeps the statedir's files
 * and runs Compare's epilogue. Two kinds of realm (script-workers.ts):
 * - without an engine (a cross-origin isolated page: linked-script-worker.ts): each of the script's calls is a
 *   request this side answers at once on its engine (link-server.ts);
 * - with an engine of its own (script-worker.ts): the realm streams what the script asked as an op log; this side
 *   checks every message (script-protocol.ts) and replays the log (op-log.ts). If the replay does not end as the
 *   realm said its run did, the run ends with that one error and no trace hash: there is nothing to verify a link
 *   against.
 *
 * The time limit is this side's too: a script that never waits is ended by terminating its realm, once a second
 * has passed after the limit (at which a waiting script ends itself) with nothing heard from it, or with the realm
 * still talking (HardStop); the limit counts from the realm's first message, its script's start. The script is
 * transpiled here, not in its realm: this worker's sucrase is compiled and warm, a fresh realm's never is (a fifth
 * of a short run's time in the realm, traced).
 */
import { EngineSession } from "../engine/api/engine-session.ts";
import { Replay } from "../engine/api/op-log.ts";
import { Simulation, type RunOverrides } from "../engine/api/simulation.ts";
import type { ScenarioGlobals } from "../engine/api/types.ts";
import type { Broker } from "../engine/broker/broker.ts";
import type { SqlJsWithFS } from "../engine/disk/sqljs-patch.ts";
import { loadTranspiler, resultOf, runEpilogue, type RunEnding, type ScenarioResult } from "../runner/run-scenario.ts";
import type { TranspileResult } from "../runner/transpile.ts";
import { HardStop, limitStopMessage, RAISE_IN_PAGE, SCRIPT_GRACE_MS, threadStartMessage } from "../engine/api/run-limit.ts";
import { BadScriptMessage, checkEnd, checkEntry } from "./script-protocol.ts";
import type { LinkAnswer } from "./link-protocol.ts";
import { LinkServer, Mispredicted, PastLimit } from "./link-server.ts";

export interface ScriptRequest {
  /** The script transpiled on this side, where sucrase is warm (in a fresh realm it would be cold every run). */
  compiled: TranspileResult;
  overrides: RunOverrides;
  timeLimitMs?: number;
}

/** Whoever runs the script: each message it sends, or why its realm failed. */
export interface ScriptListener {
  /** A message of a realm that runs its own engine and sends its op log (script-run.ts). */
  message(data: unknown): void;
  /** A request of a realm without an engine (engine-link.ts), answered at once; undefined: no answer (the run ended). */
  answer(request: unknown): LinkAnswer | undefined;
  failed(reason: string): void;
}

/** Starts a script in a realm of its own; the handle ends that realm. */
export type ScriptRealm = (request: ScriptRequest, listener: ScriptListener) => { terminate(): void };

export interface ReplayedRunOptions {
  sql: SqlJsWithFS;
  realm: ScriptRealm;
  overrides?: RunOverrides;
  timeLimitMs?: number;
  onSimulation?: (sim: Simulation) => void;
  onBroker?: (broker: Broker) => void;
  /** After each step of driving (the recorder sends what piled up). */
  onTurn?: () => void;
  /** Compare's epilogue: run here, on this side's engine, where the script's runner reached it. */
  epilogue?: (globals: ScenarioGlobals) => Promise<void>;
  /** With the simulation after the run and before it is disposed (the statedir's files). */
  beforeDispose?: (sim: Simulation) => void;
  /**
   * Given, a realm without an engine may settle puts itself (engine-link.ts, settleHere()): if one of them does not
   * succeed here, the run starts again from the beginning, in a fresh realm that does not, and this is told first:
   * what the run's simulation, broker and turns told so far is void.
   */
  onRestart?: () => void;
}

export interface ReplayedRun {
  readonly result: Promise<ScenarioResult>;
  /** End the run now (Stop), with what was replayed so far and `reason`. */
  stop(reason: string): void;
}

export function replayedRun(text: string, opts: ReplayedRunOptions): ReplayedRun {
  const overrides = opts.overrides ?? {};
  let sim!: Simulation;
  let logs: string[];
  let session!: EngineSession;
  let replay!: Replay;
  let server: LinkServer | undefined;
  /** The run's engine from its beginning (again, after a failed speculation). */
  const begin = () => {
    sim = new Simulation({ sql: opts.sql, retainTrace: false, overrides, ...(opts.onBroker ? { onBroker: opts.onBroker } : {}) });
    opts.onSimulation?.(sim);
    const lines: string[] = (logs = []);
    session = new EngineSession(sim, (line) => lines.push(line));
    replay = new Replay(session, opts.onTurn);
    server = undefined;
  };
  begin();
  let speculate = opts.onRestart !== undefined;
  let resolve!: (result: ScenarioResult) => void;
  const result = new Promise<ScenarioResult>((r) => (resolve = r));
  let done = false;
  const limitMs = opts.timeLimitMs;
  const hardStop = new HardStop(SCRIPT_GRACE_MS, (scriptStarted) => end(scriptStarted ? limitStopMessage(limitMs!, RAISE_IN_PAGE, true) : threadStartMessage("the script's realm"), false, limitMs));
  /** The realm said something: it is alive; false if the run is over, or is now (the script ran past its limit without waiting). */
  const heard = () => {
    if (done) return false;
    hardStop.heard(); // the first message is the script's start: the realm's own clock starts then too
    if (!hardStop.overdue()) return true;
    end(limitStopMessage(limitMs!, RAISE_IN_PAGE, true), false, limitMs);
    return false;
  };
  let realm: { terminate(): void } | undefined;
  /** The run is over for the realm: it is ended, and nothing it sends from now on is heard. */
  const closeRealm = () => {
    done = true;
    hardStop.cancel();
    realm?.terminate();
  };
  const messageOf = (e: unknown) => String((e as Error)?.message ?? e);

  const finish = (ending: RunEnding, unverified = false) => {
    const outcome = resultOf(sim, logs, ending);
    opts.beforeDispose?.(sim);
    sim.dispose();
    resolve(unverified ? { ...outcome, cutShort: true, traceHash: "" } : outcome);
  };
  /** End the run from this side: the realm is gone, and what it replayed so far is the run. */
  const end = (message: string, unverified = false, limitMs?: number) => {
    if (done) return;
    closeRealm();
    finish({ error: { message, ...(limitMs === undefined ? {} : { limitMs }) }, cutShort: true }, unverified);
  };
  /** The script's run ended so, as its realm says: this side's engine has the run; Compare's epilogue runs on it. */
  const concluded = async (ending: RunEnding, epilogue: boolean) => {
    closeRealm();
    if (epilogue && opts.epilogue) await runEpilogue(session, opts.epilogue, opts.onTurn);
    finish(ending);
  };
  const ended = async (data: unknown) => {
    const claim = checkEnd(data);
    const mine = resultOf(sim, logs, claim.ending);
    if (mine.traceHash !== claim.traceHash || mine.events !== claim.events) {
      closeRealm();
      return finish({ error: { message: `the script changed the realm it ran in (its trace was ${claim.events} events, ${claim.traceHash || "none"}; the engine's replay of it ${mine.events}, ${mine.traceHash}), so its run cannot be verified` } }, true);
    }
    await concluded(claim.ending, claim.epilogue);
  };
  const linkEnded = (ending: RunEnding, epilogue: boolean) => void concluded(ending, epilogue).catch((e: unknown) => end(messageOf(e), true));

  let attempt = 0;
  const listenerOf = (mine: number): ScriptListener => ({
    message: (data) => {
      if (mine !== attempt || !heard()) return;
      try {
        const message = data as { type?: unknown; entries?: unknown };
        if (message?.type === "end") return void ended(data).catch((e: unknown) => end(messageOf(e), true));
        if (message?.type !== "entries" || !Array.isArray(message.entries)) throw new BadScriptMessage("a message that is neither entries nor the end");
        for (const entry of message.entries) replay.apply(checkEntry(entry));
      } catch (e) {
        end(e instanceof Error ? e.message : String(e), true);
      }
    },
    answer: (request) => {
      if (mine !== attempt || !heard()) return undefined;
      try {
        return (server ??= new LinkServer(session, linkEnded, { onTurn: opts.onTurn, speculation: speculate ? { pastLimit: () => hardStop.pastLimit() } : undefined })).answer(request);
      } catch (e) {
        if (e instanceof Mispredicted) return void startAgain(mine);
        // where the realm's driver would have stopped on its next step: the run as far as it got, cut short
        if (e instanceof PastLimit) return void end(limitStopMessage(limitMs!, RAISE_IN_PAGE), false, limitMs);
        end(e instanceof Error ? e.message : String(e), true);
        return undefined;
      }
    },
    failed: (reason) => mine === attempt && end(`the script's realm failed: ${reason}`),
  });
  let scriptRequest: ScriptRequest;
  const startRealm = () => {
    realm = opts.realm(scriptRequest, listenerOf(attempt));
    if (limitMs !== undefined) hardStop.threadStarting(limitMs);
  };
  /** A put the realm settled itself did not succeed: the run again from its beginning, on a new engine, in a new realm that settles none. */
  const startAgain = (failed: number) => {
    if (done || failed !== attempt) return;
    attempt++;
    speculate = false;
    realm?.terminate();
    hardStop.cancel();
    sim.dispose();
    opts.onRestart!();
    begin();
    startRealm();
  };
  const start = (transpileScenario: (text: string) => TranspileResult) => {
    if (done) return; // stopped while the transpiler loaded (only the first run loads it)
    const compiled = transpileScenario(text);
    if (compiled.error) {
      // a script that does not parse needs no realm: its run is that one error, as its realm's runner would end it
      done = true;
      return finish({ error: compiled.error, badInput: true });
    }
    scriptRequest = { compiled, overrides, ...(limitMs === undefined ? {} : { timeLimitMs: limitMs }) };
    startRealm();
  };
  loadTranspiler()
    .then(({ transpileScenario }) => start(transpileScenario), (e: unknown) => end(`the transpiler did not load: ${messageOf(e)}`))
    .catch((e: unknown) => end(`the script's realm failed: ${messageOf(e)}`));
  return { result, stop: (reason) => end(reason) };
}
