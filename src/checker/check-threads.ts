/**
 * The CLI's sequences on every core (Node worker threads): each thread has its own sql.js and its own
 * DesignChecker, and runs the seeds it is given one after another, as the check would here; the check
 * (check-design.ts) takes their outcomes in seed order, so its report is the one a single thread gives.
 * Node only: the page runs its check in its one engine worker.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { DesignCheck, SequenceOutcome } from "./check-design.ts";

/** What a thread needs to build the same DesignChecker: the design and the sequences' shape. */
export type ThreadCheck = Pick<DesignCheck, "policy" | "without" | "length" | "disk">;

export type ThreadRequest = { seed: number };
export type ThreadReply = { seed: number; outcome: SequenceOutcome } | { seed: number; error: string };

/** Sequences queued on each thread at most: one running and one ready, so a thread never waits for the next. */
const QUEUED_PER_THREAD = 2;

/** How many threads by default: one per core the process may use. */
export const defaultThreads = (): number => availableParallelism();

interface Thread {
  worker: Worker;
  waiting: Map<number, { resolve: (o: SequenceOutcome) => void; reject: (e: Error) => void }>;
}

export class CheckThreads {
  private readonly threads: Thread[];

  constructor(check: ThreadCheck, count: number) {
    this.threads = Array.from({ length: count }, () => this.thread(check));
  }

  /** For DesignCheck.runner: a seed goes to the thread with the fewest waiting. */
  get runner(): NonNullable<DesignCheck["runner"]> {
    return { run: (seed) => this.run(seed), inFlight: this.threads.length * QUEUED_PER_THREAD };
  }

  run(seed: number): Promise<SequenceOutcome> {
    const thread = this.threads.reduce((a, b) => (b.waiting.size < a.waiting.size ? b : a));
    return new Promise((resolve, reject) => {
      thread.waiting.set(seed, { resolve, reject });
      thread.worker.postMessage({ seed } satisfies ThreadRequest);
    });
  }

  /** End every thread (what they still run is dropped). */
  async close(): Promise<void> {
    await Promise.all(this.threads.map((t) => t.worker.terminate()));
  }

  private thread(check: ThreadCheck): Thread {
    const worker = new Worker(new URL("./check-thread-boot.mjs", import.meta.url), { workerData: check });
    const thread: Thread = { worker, waiting: new Map() };
    const failAll = (message: string) => {
      for (const w of thread.waiting.values()) w.reject(new Error(message));
      thread.waiting.clear();
    };
    worker.on("message", (reply: ThreadReply) => {
      const waiter = thread.waiting.get(reply.seed);
      thread.waiting.delete(reply.seed);
      if ("error" in reply) waiter?.reject(new Error(reply.error));
      else waiter?.resolve(reply.outcome);
    });
    worker.on("error", (e) => failAll(`a checker thread failed: ${e.message}`));
    worker.on("exit", (code) => failAll(`a checker thread exited with code ${code}`));
    return thread;
  }
}
