/**
 * Runs the page's Compare in an engine worker of its own (so a comparison and a run never wait for each other),
 * kept warm between comparisons; Stop or the time limit terminates it, and the next comparison starts a new one.
 */
import type { RunOverrides } from "../../engine/api/simulation.ts";
import type { PolicySetting } from "../../engine/policy/presets.ts";
import type { CompareProgress, CompareResult } from "../../worker/protocol.ts";
import { WorkerJob } from "../checked-worker.ts";

/** Eight columns (the script's own and seven presets), each up to the page's 10 s run limit in the worst case; each added column adds that. */
const COLUMN_TIME_LIMIT_MS = 10_000;
export const COMPARE_TIME_LIMIT_MS = 8 * COLUMN_TIME_LIMIT_MS;

export class CompareClient {
  private readonly job = new WorkerJob<CompareProgress, CompareResult>((reply) =>
    reply.type === "compare-progress" ? { progress: reply } : reply.type === "compare-result" ? { result: reply } : undefined,
  );

  /** `columns`: each a policy, or null for the script's own. */
  compare(text: string, overrides: Omit<RunOverrides, "policy">, columns: (PolicySetting | null)[], onProgress: (p: CompareProgress) => void): Promise<CompareResult> {
    this.job.end("a new comparison started");
    const result = this.job.start((id) => ({ type: "compare", id, text, overrides, columns }), onProgress);
    const limit = Math.max(COMPARE_TIME_LIMIT_MS, columns.length * COLUMN_TIME_LIMIT_MS);
    this.job.endAfter(limit, `stopped after ${limit / 1000} s (the time limit)`);
    return result;
  }

  /** Stop the comparison in progress (if any) by terminating its worker. */
  stop(reason = "stopped"): void {
    this.job.end(reason);
  }
}
