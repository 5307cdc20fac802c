/**
 * The scenarios' realms in the page: a fresh worker for every run (script-worker.ts), started by the engine's
 * worker, contained like it (contained-worker.ts), and handed sql.js compiled. One is kept warm so that a run does
 * not wait for a worker to start and load its engine; the one a run took is terminated when the run ends, with all
 * it allocated and all it changed.
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

export class ScriptWorkers {
  private spare: Warm | undefined;

  constructor(private readonly wasm: WebAssembly.Module) {}

  /** Start the spare now (the engine's worker has loaded: the next run should not wait). */
  warm(): void {
    this.spare ??= this.spawn();
  }

  /** A ScriptRealm over this pool. */
  readonly realm: ScriptRealm = (request, listener) => {
    const taken = this.spare ?? this.spawn();
    this.spare = undefined;
    const channel = new MessageChannel();
    let ended = false;
    const terminate = () => {
      if (ended) return;
      ended = true;
      taken.worker.terminate();
      channel.port1.close();
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
    this.warm();
    return { terminate };
  };

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
