/**
 * The scenarios' realms in the page: a fresh worker for every run (script-worker.ts), started by the engine's
 * worker, contained like it (contained-worker.ts), and handed sql.js compiled. One is kept warm so that a run does
 * not wait for a worker to start and load its engine; the one a run took is terminated when the run ends, with all
 * it allocated and all it changed. The spare warms its engine up (warm-up.ts) once no run has gone for IDLE_MS: a
 * reader who reads a result before running again gets a warm engine, while runs that follow each other at once
 * (Compare's columns) do not wait for a warm-up to finish (measured in the page: a spare that warms up as soon as it
 * is ready made back-to-back runs no faster and Compare 20-40 % slower).
 */
import scriptWorkerUrl from "./script-worker.ts?worker&url";
import { startContainedWorker } from "./contained-worker.ts";
import type { ScriptRealm } from "./replayed-run.ts";
import type { ScriptWorkerRequest } from "./script-worker.ts";

interface Warm {
  worker: Worker;
  ready: Promise<void>;
  /** Why it failed to start, once it did. */
  failed: Promise<string>;
}

/** How long no run goes before the spare warms up: longer than between Compare's columns, shorter than a reader's pause. */
const IDLE_MS = 300;

export class ScriptWorkers {
  private spare: Warm | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly wasm: WebAssembly.Module) {}

  /** Start the spare now (the engine's worker has loaded: the next run should not wait). */
  warm(): void {
    this.spare ??= this.spawn();
    this.warmUpWhenIdle();
  }

  /** A ScriptRealm over this pool. */
  readonly realm: ScriptRealm = (request, listener) => {
    clearTimeout(this.idleTimer);
    const taken = this.spare ?? this.spawn();
    this.spare = undefined;
    const channel = new MessageChannel();
    let ended = false;
    const terminate = () => {
      if (ended) return;
      ended = true;
      taken.worker.terminate();
      channel.port1.close();
      this.warmUpWhenIdle();
    };
    channel.port1.onmessage = (e: MessageEvent<unknown>) => listener.message(e.data);
    void taken.failed.then((reason) => !ended && listener.failed(reason));
    void taken.ready.then(() => {
      if (ended) return;
      // from here the worker speaks only through the port: whatever else it posts is not listened to
      taken.worker.onmessage = null;
      const run: ScriptWorkerRequest = { type: "run", ...request };
      taken.worker.postMessage(run, [channel.port2]);
    });
    this.spare = this.spawn();
    return { terminate };
  };

  /** Tell the spare to warm up once IDLE_MS have gone by without a run starting (a run that starts cancels it). */
  private warmUpWhenIdle(): void {
    clearTimeout(this.idleTimer);
    const spare = this.spare;
    this.idleTimer = setTimeout(() => {
      void spare?.ready.then(() => {
        if (this.spare !== spare) return; // taken meanwhile: its run has started
        const warmUp: ScriptWorkerRequest = { type: "warm-up" };
        spare.worker.postMessage(warmUp);
      });
    }, IDLE_MS);
  }

  private spawn(): Warm {
    const worker = startContainedWorker(new URL(scriptWorkerUrl, import.meta.url).href, "scenario");
    const init: ScriptWorkerRequest = { type: "init", wasm: this.wasm };
    let failed!: (reason: string) => void;
    const failure = new Promise<string>((resolve) => (failed = resolve));
    const ready = new Promise<void>((resolve) => {
      worker.onmessage = (e: MessageEvent<{ type?: unknown; message?: unknown }>) => {
        if (e.data?.type === "booted") worker.postMessage(init);
        if (e.data?.type === "ready") resolve();
        if (e.data?.type === "failed") failed(String(e.data.message));
      };
    });
    worker.onerror = (e) => {
      e.preventDefault();
      failed(e.message || "it stopped with an error");
    };
    return { worker, ready, failed: failure };
  }
}
