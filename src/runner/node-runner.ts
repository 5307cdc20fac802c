/**
 * Run a scenario in a Node worker thread with a wall-clock limit: a script
 * that never yields (`while (true) {}`) is terminated and reported, never
 * left hanging.
 */
import { Worker } from "node:worker_threads";
import type { RunOverrides } from "../engine/api/simulation.ts";
import type { ScenarioResult } from "./run-scenario.ts";

export const DEFAULT_TIMEOUT_MS = 10_000;

export interface NodeRunOptions {
  overrides?: RunOverrides;
  timeoutMs?: number;
  onLog?: (line: string) => void;
}

export function runScenarioInWorker(text: string, opts: NodeRunOptions = {}): Promise<ScenarioResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const worker = new Worker(new URL("./node-worker-boot.mjs", import.meta.url), {
    workerData: { text, overrides: opts.overrides ?? {}, streamLogs: Boolean(opts.onLog) },
  });
  const logs: string[] = [];
  return new Promise<ScenarioResult>((resolve) => {
    const stop = (message: string) => {
      clearTimeout(timer);
      void worker.terminate();
      resolve({ ok: false, error: { message }, logs, traceHash: "", events: 0, disk: { quota: 0, used: 0 }, state: "unknown", policy: "?", seed: 0 });
    };
    const timer = setTimeout(
      () => stop(`stopped after ${timeoutMs} ms of wall-clock time (the time limit; raise it with --timeout-ms): does a loop never await the simulation?`),
      timeoutMs,
    );
    worker.on("message", (msg: { type: "log"; line: string } | { type: "result"; result: ScenarioResult }) => {
      if (msg.type === "log") {
        logs.push(msg.line);
        opts.onLog?.(msg.line);
        return;
      }
      clearTimeout(timer);
      void worker.terminate();
      resolve(msg.result);
    });
    worker.on("error", (e) => stop(`the run failed: ${e.message}`));
    worker.on("exit", (code) => {
      if (code !== 0) stop(`the run's worker exited with code ${code}`);
    });
  });
}
