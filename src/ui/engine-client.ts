/**
 * Talks to the engine worker. One warm worker runs scenarios one at a time;
 * Stop (or the time limit) terminates it, which always works, even inside
 * `while (true) {}`, and a fresh one is started for the next run.
 *
 * The first worker starts on `start()` or on the first run, not at
 * construction: the page decides when (its start compiles sql.js and
 * hash-wasm, which competes with Monaco's parse on a 2-core machine).
 */
import type { RunOverrides } from "../engine/api/simulation.ts";
import type { RunResult, WorkerReply } from "../worker/protocol.ts";
import { startEngineWorker } from "../worker/contained-worker.ts";

export const TIME_LIMIT_MS = 10_000;

export class StoppedError extends Error {}

export class EngineClient {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 1;
  private pending: { id: number; resolve: (r: RunResult) => void; reject: (e: Error) => void; timer: ReturnType<typeof setTimeout> } | undefined;

  /** Start the worker unless it runs already; resolves when the engine (sql.js and its wasm) is loaded. */
  start(): Promise<void> {
    if (!this.worker) this.spawn();
    return this.ready!;
  }

  run(text: string, overrides: RunOverrides, timeLimitMs = TIME_LIMIT_MS): Promise<RunResult> {
    if (this.pending) this.stop("a new run started");
    const id = this.nextId++;
    return new Promise<RunResult>((resolve, reject) => {
      const timer = setTimeout(() => this.stop(`stopped after ${timeLimitMs / 1000} s (the time limit): does a loop never await the simulation?`), timeLimitMs);
      this.pending = { id, resolve, reject, timer };
      void this.start().then(() => this.worker!.postMessage({ type: "run", id, text, overrides }));
    });
  }

  get running(): boolean {
    return this.pending !== undefined;
  }

  /** Stop the run in progress (if any) by terminating its worker; a fresh worker takes its place. */
  stop(reason = "stopped"): void {
    const pending = this.pending;
    this.pending = undefined;
    this.worker?.terminate();
    this.spawn();
    if (pending) {
      clearTimeout(pending.timer);
      pending.reject(new StoppedError(reason));
    }
  }

  private spawn(): void {
    const worker = (this.worker = startEngineWorker());
    this.ready = new Promise((resolve, reject) => {
      worker.onmessage = (e: MessageEvent<WorkerReply>) => {
        if (e.data.type === "ready") return resolve();
        if (e.data.type !== "result") return; // a comparison's messages are compare-client.ts's
        const pending = this.pending;
        if (!pending || e.data.id !== pending.id) return;
        this.pending = undefined;
        clearTimeout(pending.timer);
        pending.resolve(e.data);
      };
      worker.onerror = (e) => {
        const pending = this.pending;
        this.pending = undefined;
        const error = new Error(`the engine failed: ${e.message}`);
        reject(error);
        if (pending) {
          clearTimeout(pending.timer);
          pending.reject(error);
        }
      };
    });
  }
}
