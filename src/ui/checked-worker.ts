/**
 * An engine worker of its own for one of the page's long jobs (Compare, Check), kept warm between them: every
 * message it sends is checked (reply-check.ts) before the job sees it, and one that fails, or the worker failing,
 * is one line to the job, which ends it.
 */
import { startEngineWorker } from "../worker/engine-worker-start.ts";
import type { WorkerReply } from "../worker/protocol.ts";
import { checkReply } from "./reply-check.ts";

export interface CheckedWorker {
  worker: Worker;
  /** Resolves once the worker has loaded its engine. */
  ready: Promise<void>;
}

export function startCheckedWorker(onReply: (reply: Exclude<WorkerReply, { type: "ready" }>) => void, onFailure: (reason: string) => void): CheckedWorker {
  const worker = startEngineWorker();
  let loaded!: () => void;
  const ready = new Promise<void>((resolve) => (loaded = resolve));
  worker.onmessage = (e: MessageEvent<unknown>) => {
    let reply: WorkerReply;
    try {
      reply = checkReply(e.data);
    } catch (error) {
      return onFailure((error as Error).message);
    }
    if (reply.type === "ready") return loaded();
    onReply(reply);
  };
  worker.onerror = (e) => {
    e.preventDefault();
    onFailure(`the engine failed: ${e.message}`);
  };
  return { worker, ready };
}
