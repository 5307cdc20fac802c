/**
 * The page's Check on every core: a seed pool (src/checker/seed-pool.ts) of Web Workers (check-seed-worker.ts),
 * started by the check's engine worker, contained like it (contained-worker.ts), handed sql.js compiled, and ended
 * with the check. The check's worker takes their outcomes in seed order and shrinks a break itself, so the report
 * is the one a single worker gives, and the CLI's.
 */
import checkSeedWorkerUrl from "./check-seed-worker.ts?worker&url";
import { SeedPool, type StartLane, type ThreadCheck, type ThreadReply, type ThreadRequest } from "../checker/seed-pool.ts";
import { startContainedWorker } from "./contained-worker.ts";
import type { CheckSeedWorkerRequest } from "./check-seed-worker.ts";

/** Lanes at most: past four, a page's check would take a laptop's every core from the reader. */
const MAX_LANES = 4;

/** How many lanes the page's check runs: one per core the browser reports, up to MAX_LANES; one core needs none. */
export function checkLanes(): number {
  const cores = typeof navigator === "undefined" ? 1 : navigator.hardwareConcurrency || 1;
  return cores > 1 ? Math.min(cores, MAX_LANES) : 0;
}

export class CheckSeedWorkers extends SeedPool {
  constructor(wasm: WebAssembly.Module, check: ThreadCheck, count: number) {
    super(count, startWorker(wasm, check));
  }
}

function startWorker(wasm: WebAssembly.Module, check: ThreadCheck): StartLane {
  return (onReply, onFailure) => {
    const worker = startContainedWorker(new URL(checkSeedWorkerUrl, import.meta.url).href, "check");
    const send = (request: CheckSeedWorkerRequest) => worker.postMessage(request);
    const early: ThreadRequest[] = [];
    let ready = false;
    worker.onmessage = (e: MessageEvent<ThreadReply | { type: "ready" }>) => {
      if (!("type" in e.data)) return onReply(e.data);
      ready = true;
      send({ type: "init", wasm, check });
      early.splice(0).forEach(send);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      onFailure(`a checker worker failed: ${e.message || "it did not start"}`);
    };
    return { send: (request) => (ready ? send(request) : early.push(request)), terminate: () => worker.terminate() };
  };
}
