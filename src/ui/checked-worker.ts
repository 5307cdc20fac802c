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

type JobReply = Exclude<WorkerReply, { type: "ready" }>;

/**
 * One long job at a time (a comparison, a check) on a checked worker of its own, kept warm between jobs: the job's
 * progress and its result are picked out of the replies by `read`; ending a job terminates the worker, and the next
 * job starts a new one.
 */
export class WorkerJob<Progress, Result> {
  private worker: CheckedWorker | undefined;
  private nextId = 1;
  private pending: { id: number; resolve: (r: Result) => void; reject: (e: Error) => void; onProgress: (p: Progress) => void; timers: ReturnType<typeof setTimeout>[] } | undefined;

  constructor(private readonly read: (reply: JobReply) => { progress: Progress } | { result: Result } | undefined) {}

  get running(): boolean {
    return this.pending !== undefined;
  }

  /** Ends the job in progress, if any, then sends the one `request(id)` makes. */
  start(request: (id: number) => object, onProgress: (p: Progress) => void): Promise<Result> {
    this.end("a new one started");
    const id = this.nextId++;
    const { worker, ready } = (this.worker ??= this.spawn());
    return new Promise((resolve, reject) => {
      this.pending = { id, resolve, reject, onProgress, timers: [] };
      void ready.then(() => worker.postMessage(request(id)));
    });
  }

  /** A message to the job's worker while the job runs (a polite stop). */
  send(message: object): void {
    if (this.pending) this.worker?.worker.postMessage(message);
  }

  /** End the job in progress with `reason` if it has not ended within `ms`. */
  endAfter(ms: number, reason: string): void {
    this.pending?.timers.push(setTimeout(() => this.end(reason), ms));
  }

  /** End the job in progress (if any) by terminating its worker. */
  end(reason: string): void {
    const pending = this.settle();
    if (!pending) return;
    this.worker?.worker.terminate();
    this.worker = undefined;
    pending.reject(new Error(reason));
  }

  private settle() {
    const pending = this.pending;
    this.pending = undefined;
    for (const timer of pending?.timers ?? []) clearTimeout(timer);
    return pending;
  }

  private spawn(): CheckedWorker {
    return startCheckedWorker(
      (reply) => {
        if (reply.id !== this.pending?.id) return;
        const got = this.read(reply);
        if (!got) return;
        if ("progress" in got) return this.pending.onProgress(got.progress);
        this.settle()!.resolve(got.result);
      },
      (reason) => this.end(reason),
    );
  }
}
