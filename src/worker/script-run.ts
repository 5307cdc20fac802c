/**
 * The script's side of a replayed run (replayed-run.ts): run the script here, against an engine of this realm, and
 * send what it asked as an op log in batches, then how it ended. The page's scenario worker (script-worker.ts) runs
 * it after cutting its realm down to the built-ins; tests run it in their own process.
 */
import type { LogEntry } from "../engine/api/op-log.ts";
import type { SqlJsWithFS } from "../engine/disk/sqljs-patch.ts";
import { RAISE_IN_PAGE } from "../engine/api/run-limit.ts";
import { ProgressClock } from "../runner/progress.ts";
import { runScenario } from "../runner/run-scenario.ts";
import type { ScriptRequest } from "./replayed-run.ts";
import type { ScriptMessage } from "./script-protocol.ts";

/** A batch goes out at this many entries, or at a log line or a wait of the script this long after the last batch (the first few at once). */
const BATCH_ENTRIES = 1024;
const BATCH_MS = 30;

/** @param prepare runs just before the script (the realm's last moment to take anything away); what it throws ends the run as bad input. */
export async function runForReplay(request: ScriptRequest, sql: SqlJsWithFS, send: (message: ScriptMessage) => void, prepare?: () => void): Promise<void> {
  try {
    prepare?.();
  } catch (e) {
    return send({ type: "end", ending: { error: { message: (e as Error).message }, badInput: true }, traceHash: "", events: 0, epilogue: false });
  }
  let batch: LogEntry[] = [];
  const clock = new ProgressClock(BATCH_MS, BATCH_ENTRIES);
  const flush = () => {
    if (batch.length === 0) return;
    send({ type: "entries", entries: batch });
    batch = [];
  };
  let epilogue = false;
  const result = await runScenario(request.compiled, {
    sql,
    overrides: request.overrides,
    retainTrace: false,
    ...(request.timeLimitMs === undefined ? {} : { timeLimitMs: request.timeLimitMs }),
    raiseLimit: RAISE_IN_PAGE,
    // the script starts now: the engine's side starts its clock of the limit with this (replayed-run.ts)
    onSimulation: () => send({ type: "entries", entries: [] }),
    record: (entry) => {
      batch.push(entry);
      // a script may log or wait once and then spin for good: what it asked so far must be out by then
      if (batch.length >= BATCH_ENTRIES || ((entry.kind === "drive" || (entry.kind === "op" && entry.op.op === "log")) && clock.due(batch.length))) flush();
    },
    // the engine's side runs an epilogue itself, on its own engine: here it only marks where one would start
    epilogue: async () => void (epilogue = true),
  });
  flush();
  const ending = { ...(result.error ? { error: result.error } : {}), ...(result.badInput ? { badInput: true as const } : {}), ...(result.cutShort ? { cutShort: true as const } : {}) };
  send({ type: "end", ending, traceHash: result.traceHash, events: result.events, epilogue });
}
