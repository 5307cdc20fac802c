/**
 * Runs the page's Compare in an engine worker of its own (so a comparison and a run never wait for each other),
 * kept warm between comparisons; Stop or the time limit terminates it, and the next comparison starts a new one.
 */
import type { RunOverrides } from "../engine/api/simulation.ts";
import type { PolicySetting } from "../engine/policy/presets.ts";
import type { CompareProgress, CompareResult } from "../worker/protocol.ts";
import { startCheckedWorker, type CheckedWorker } from "./checked-worker.ts";

/** Eight columns (the script's own and seven presets), each up to the page's 10 s run limit in the worst case; each added column adds that. */
const COLUMN_TIME_LIMIT_MS = 10_000;
export const COMPARE_TIME_LIMIT_MS = 8 * COLUMN_TIME_LIMIT_MS;

export class CompareClient {
  private worker: CheckedWorker | undefined;
  private nextId = 1;
  private pending: { id: number; resolve: (r: CompareResult) => void; reject: (e: Error) => void; onProgress: (p: CompareProgress) => void; timer: ReturnType<typeof setTimeout> } | undefined;

  /** `columns`: each a policy, or null for the script's own. */
  compare(text: string, overrides: Omit<RunOverrides, "policy">, columns: (PolicySetting | null)[], onProgress: (p: CompareProgress) => void): Promise<CompareResult> {
    this.stop("a new comparison started");
    const id = this.nextId++;
    const { worker, ready } = (this.worker ??= this.spawn());
    return new Promise((resolve, reject) => {
      const limit = Math.max(COMPARE_TIME_LIMIT_MS, columns.length * COLUMN_TIME_LIMIT_MS);
      const timer = setTimeout(() => this.stop(`stopped after ${limit / 1000} s (the time limit)`), limit);
      this.pending = { id, resolve, reject, onProgress, timer };
      void ready.then(() => worker.postMessage({ type: "compare", id, text, overrides, columns }));
    });
  }

  /** Stop the comparison in progress (if any) by terminating its worker. */
  stop(reason = "stopped"): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    clearTimeout(pending.timer);
    this.worker?.worker.terminate();
    this.worker = undefined;
    pending.reject(new Error(reason));
  }

  private spawn(): CheckedWorker {
    return startCheckedWorker(
      (reply) => {
        const pending = this.pending;
        if (!pending || reply.id !== pending.id) return;
        if (reply.type === "compare-progress") return pending.onProgress(reply);
        if (reply.type !== "compare-result") return;
        this.pending = undefined;
        clearTimeout(pending.timer);
        pending.resolve(reply);
      },
      (reason) => this.stop(reason),
    );
  }
}
