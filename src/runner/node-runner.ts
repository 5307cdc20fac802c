/**
 * Run a scenario in a Node worker thread with a wall-clock limit: a script
 * that never yields (`while (true) {}`) is terminated and reported, never
 * left hanging. The worker reports as it goes, so a run that is cut short
 * still answers with its logs, trace, instance state and disk as last reported.
 */
import { Worker } from "node:worker_threads";
import type { RunOverrides } from "../engine/api/simulation.ts";
import type { NodeWorkerMessage } from "./node-worker.ts";
import type { RunSummary, ScenarioResult } from "./run-scenario.ts";
import { DEFAULT_LIMIT_S, HardStop, limitStopMessage, RAISE_IN_CLI, SCRIPT_GRACE_MS, threadStartMessage } from "../engine/api/run-limit.ts";
import type { SavedStatedir } from "../engine/disk/statedir-image.ts";

export const DEFAULT_TIMEOUT_MS = DEFAULT_LIMIT_S * 1000;

export interface NodeRunOptions {
  overrides?: RunOverrides;
  timeoutMs?: number;
  /** The log lines as the run goes, a batch at a time (one write per batch: a flood of lines stays cheap). */
  onLogs?: (lines: string[]) => void;
  /** Answer with the statedir's files as the run left them on the quota filesystem (the CLI's --save-statedir). */
  saveStatedir?: boolean;
}

export function runScenarioInWorker(text: string, opts: NodeRunOptions = {}): Promise<ScenarioResult & { statedir?: SavedStatedir }> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const workerData = { text, overrides: opts.overrides ?? {}, timeoutMs, saveStatedir: opts.saveStatedir === true };
  const worker = new Worker(new URL("./node-worker-boot.mjs", import.meta.url), { workerData });
  const logs: string[] = [];
  let summary: RunSummary | undefined;
  return new Promise<ScenarioResult & { statedir?: SavedStatedir }>((resolve) => {
    let done = false;
    const end = (result: ScenarioResult & { statedir?: SavedStatedir }) => {
      if (done) return;
      done = true;
      hardStop.cancel();
      void worker.terminate();
      resolve(result);
    };
    const stop = (message: string, limitMs?: number) => end({ ...(summary ?? EMPTY), logs, ok: false, error: { message, ...(limitMs === undefined ? {} : { limitMs }) }, cutShort: true });
    // a run that waits on the simulation ends by itself at the limit, with everything; one that never waits is terminated.
    // The worker's own clock starts when its script does (after loading SQLite and the transpiler, seconds on a busy
    // machine), and it says so at once: so does this one, at its first message
    const hardStop = new HardStop(SCRIPT_GRACE_MS, (scriptStarted) => stop(scriptStarted ? limitStopMessage(timeoutMs, RAISE_IN_CLI, true) : threadStartMessage("the run's worker"), timeoutMs));
    hardStop.threadStarting(timeoutMs);
    worker.on("message", (msg: NodeWorkerMessage) => {
      hardStop.heard();
      if (msg.type === "turning") return;
      if (msg.type === "progress") {
        for (const line of msg.logs) logs.push(line);
        if (msg.logs.length > 0) opts.onLogs?.(msg.logs);
        summary = msg.summary ?? summary;
        return;
      }
      end({ ...msg.result, logs, ...(msg.statedir ? { statedir: msg.statedir } : {}) });
    });
    worker.on("error", (e) => stop(`the run's worker failed: ${e.message}`));
    worker.on("exit", (code) => stop(`the run's worker exited with code ${code}`));
  });
}

/** What a run that never got to report looks like. */
const EMPTY: RunSummary = { logs: [], traceHash: "", events: 0, disk: { quota: 0, used: 0 }, state: "unknown", policy: "?", seed: 0 };
