/**
 * Runs the page's Check (src/worker/check-handler.ts) in an engine worker of its own, kept warm between checks, so
 * a check, a run and a comparison never wait for each other. Stop asks the worker to end after the sequence it is
 * in, keeping what it found; a worker that does not answer within STOP_GRACE_MS (stuck in one sequence) is
 * terminated, and then only the progress seen so far is left.
 */
import type { CheckProgress } from "../checker/check-design.ts";
import type { CheckResult } from "../worker/protocol.ts";
import { startCheckedWorker, type CheckedWorker } from "./checked-worker.ts";

/** A sequence with jobs takes about a second (docs/cli.md); a shrinking step as long: far more than that is a stuck worker. */
const STOP_GRACE_MS = 20_000;

export class CheckClient {
  private worker: CheckedWorker | undefined;
  private nextId = 1;
  private pending:
    | { id: number; resolve: (r: CheckResult["outcome"]) => void; reject: (e: Error) => void; onProgress: (p: CheckProgress) => void; stopTimer?: ReturnType<typeof setTimeout> }
    | undefined;

  /** Check `policy` (a preset's name or a JSON knob set) over `runs` sequences. */
  check(policy: string, runs: number, onProgress: (p: CheckProgress) => void): Promise<CheckResult["outcome"]> {
    this.end("a new check started");
    const id = this.nextId++;
    const { worker, ready } = (this.worker ??= this.spawn());
    return new Promise((resolve, reject) => {
      this.pending = { id, resolve, reject, onProgress };
      void ready.then(() => worker.postMessage({ type: "check", id, policy, runs }));
    });
  }

  /** Stop the check in progress after its current sequence; its result (what was found so far) still comes. */
  stop(): void {
    const pending = this.pending;
    if (!pending || pending.stopTimer) return;
    this.worker?.worker.postMessage({ type: "check-stop" });
    pending.stopTimer = setTimeout(() => this.end(`the checker did not stop within ${STOP_GRACE_MS / 1000} s, so it was ended`), STOP_GRACE_MS);
  }

  /** End the check in progress (if any) by terminating its worker. */
  private end(reason: string): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    clearTimeout(pending.stopTimer);
    this.worker?.worker.terminate();
    this.worker = undefined;
    pending.reject(new Error(reason));
  }

  private spawn(): CheckedWorker {
    return startCheckedWorker(
      (reply) => {
        const pending = this.pending;
        if (!pending || reply.id !== pending.id) return;
        if (reply.type === "check-progress") return pending.onProgress(reply.progress);
        if (reply.type !== "check-result") return;
        this.pending = undefined;
        clearTimeout(pending.stopTimer);
        pending.resolve(reply.outcome);
      },
      (reason) => this.end(reason),
    );
  }
}
