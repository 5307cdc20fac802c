/**
 * Runs the page's Check (src/worker/check-handler.ts) in an engine worker of its own, kept warm between checks, so
 * a check, a run and a comparison never wait for each other. Stop asks the worker to end after the sequence it is
 * in, keeping what it found; a worker that does not answer within STOP_GRACE_MS (stuck in one sequence) is
 * terminated, and then only the progress seen so far is left.
 */
import type { CheckProgress } from "../../checker/check-design.ts";
import type { CheckResult } from "../../worker/protocol.ts";
import { WorkerJob } from "../checked-worker.ts";

/** A sequence with jobs takes about a second (docs/cli.md); a shrinking step as long: far more than that is a stuck worker. */
const STOP_GRACE_MS = 20_000;

export class CheckClient {
  private readonly job = new WorkerJob<CheckProgress, CheckResult["outcome"]>((reply) =>
    reply.type === "check-progress" ? { progress: reply.progress } : reply.type === "check-result" ? { result: reply.outcome } : undefined,
  );
  private stopAsked = false;

  /** Check `policy` (a preset's name or a JSON knob set) over `runs` sequences. */
  check(policy: string, runs: number, onProgress: (p: CheckProgress) => void): Promise<CheckResult["outcome"]> {
    this.job.end("a new check started");
    this.stopAsked = false;
    return this.job.start((id) => ({ type: "check", id, policy, runs }), onProgress);
  }

  /** Stop the check in progress after its current sequence; its result (what was found so far) still comes. */
  stop(): void {
    if (!this.job.running || this.stopAsked) return;
    this.stopAsked = true;
    this.job.send({ type: "check-stop" });
    this.job.endAfter(STOP_GRACE_MS, `the checker did not stop within ${STOP_GRACE_MS / 1000} s, so it was ended`);
  }
}
