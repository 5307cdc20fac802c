/**
 * The scenarios' realms in the page: a fresh worker for every run, started by the engine's worker, contained like
 * it (contained-worker.ts). Where the page is cross-origin isolated, the realm has no engine of its own and calls
 * this worker's over a synchronous channel (linked-script-worker.ts, sync-pipe.ts); elsewhere (a first visit, before
 * the page's service worker isolates it, or an embed in a page that is not isolated) it runs its own engine, handed
 * sql.js compiled, and sends its op log (script-worker.ts). One is kept warm so that a run does not wait for a worker
 * to start; the one a run took is terminated when the run ends, with all it allocated and all it changed.
 */
import scriptWorkerUrl from "./script-worker.ts?worker&url";
import linkedScriptWorkerUrl from "./linked-script-worker.ts?worker&url";
import { startContainedWorker } from "./contained-worker.ts";
import type { ScriptListener, ScriptRealm, ScriptRequest } from "./replayed-run.ts";
import type { ScriptWorkerRequest } from "./script-worker.ts";
import type { LinkedWorkerRequest } from "./linked-script-worker.ts";
import { EngineEnd, pipeBuffer, serveLink } from "./sync-pipe.ts";

interface Warm {
  worker: Worker;
  ready: Promise<void>;
  /** Why it failed to start, once it did. */
  failed: Promise<string>;
}

export class ScriptWorkers {
  private spare: Warm | undefined;

  /** @param linked realms without an engine (the page is cross-origin isolated: a SharedArrayBuffer can be shared) */
  constructor(
    private readonly wasm: WebAssembly.Module,
    readonly linked = globalThis.crossOriginIsolated === true,
  ) {}

  /** Start the spare now (the engine's worker has loaded: the next run should not wait). */
  warm(): void {
    this.spare ??= this.spawn();
  }

  /** A ScriptRealm over this pool. */
  readonly realm: ScriptRealm = (request, listener) => {
    const taken = this.spare ?? this.spawn();
    this.spare = undefined;
    let ended = false;
    let stopListening = () => {};
    const terminate = () => {
      if (ended) return;
      ended = true;
      taken.worker.terminate();
      stopListening();
    };
    void taken.failed.then((reason) => !ended && listener.failed(reason));
    void taken.ready.then(() => {
      if (ended) return;
      // from here the worker speaks only through its channel: whatever else it posts is not listened to
      taken.worker.onmessage = null;
      stopListening = this.linked ? startLinked(taken.worker, request, listener) : startReplayed(taken.worker, request, listener);
    });
    this.warm();
    return { terminate };
  };

  private spawn(): Warm {
    const url = this.linked ? linkedScriptWorkerUrl : scriptWorkerUrl;
    const worker = startContainedWorker(new URL(url, import.meta.url).href, "scenario");
    const init: ScriptWorkerRequest | LinkedWorkerRequest = this.linked ? { type: "init" } : { type: "init", wasm: this.wasm };
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

/** A realm with its own engine: its op log comes over a port. Returns how to stop listening. */
function startReplayed(worker: Worker, request: ScriptRequest, listener: ScriptListener): () => void {
  const channel = new MessageChannel();
  channel.port1.onmessage = (e: MessageEvent<unknown>) => listener.message(e.data);
  const run: ScriptWorkerRequest = { type: "run", ...request };
  worker.postMessage(run, [channel.port2]);
  return () => channel.port1.close();
}

/** A realm without an engine: its requests come over a shared buffer, and are answered here. Returns how to stop. */
function startLinked(worker: Worker, request: ScriptRequest, listener: ScriptListener): () => void {
  const buffer = pipeBuffer();
  const end = new EngineEnd(buffer);
  const run: LinkedWorkerRequest = { type: "run", ...request, buffer };
  worker.postMessage(run);
  void serveLink(end, listener);
  return () => end.close();
}
