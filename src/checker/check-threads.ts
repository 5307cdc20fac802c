/**
 * The CLI's sequences on every core: a seed pool (seed-pool.ts) of Node worker threads, each with its own sql.js
 * and its own DesignChecker (check-thread.ts).
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { SeedPool, type StartLane, type ThreadCheck, type ThreadReply } from "./seed-pool.ts";

export type { ThreadCheck, ThreadReply, ThreadRequest } from "./seed-pool.ts";

/** How many threads by default: one per core the process may use. */
export const defaultThreads = (): number => availableParallelism();

export class CheckThreads extends SeedPool {
  constructor(check: ThreadCheck, count: number) {
    super(count, startThread(check));
  }
}

function startThread(check: ThreadCheck): StartLane {
  return (onReply, onFailure) => {
    const worker = new Worker(new URL("./check-thread-boot.mjs", import.meta.url), { workerData: check });
    worker.on("message", (reply: ThreadReply) => onReply(reply));
    worker.on("error", (e) => onFailure(`a checker thread failed: ${e.message}`));
    worker.on("exit", (code) => onFailure(`a checker thread exited with code ${code}`));
    return { send: (request) => worker.postMessage(request), terminate: () => worker.terminate() };
  };
}
