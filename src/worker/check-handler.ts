/**
 * The page's Check: the design checker (src/checker/check-design.ts, the code `npm run check` runs) on one policy,
 * in the engine's worker, reporting progress after every sequence and every shrinking step. The checker's scripts
 * are its own (sequences.ts), not the reader's, so they run on engines of the page's, as in the CLI: the sequences on
 * one worker per core (check-seed-workers.ts, as the CLI's threads), a break shrunk here; the same policy and number
 * of sequences give the same report in both.
 *
 * Stop is a message, not the end of the worker: the checker yields to this worker's message queue after each
 * sequence, sees the stop, and reports what it found so far (a counterexample shrunk as far as it got).
 */
import { DesignChecker } from "../checker/check-design.ts";
import type { SqlJsWithFS } from "../engine/disk/sqljs-patch.ts";
import { policyArgument } from "../engine/policy/presets.ts";
import { CheckSeedWorkers, checkLanes } from "./check-seed-workers.ts";
import { MAX_CHECK_RUNS, type CheckRequest, type CheckStopRequest, type WorkerReply } from "./protocol.ts";

/** The check in progress: its id, and whether a stop was asked. */
let current: { id: number; stop: boolean } | undefined;

export async function checkInWorker(
  request: CheckRequest | CheckStopRequest,
  /** The engine's sql.js, and its compiled module for the lanes (none given: every sequence runs here). */
  engine: { sql: SqlJsWithFS; wasm?: WebAssembly.Module },
  post: (reply: WorkerReply) => void,
): Promise<void> {
  if (request.type === "check-stop") return void (current && (current.stop = true));
  const { id } = request;
  const problem = requestProblem(request);
  if (problem) return post({ type: "check-result", id, outcome: { ok: false, problem } });
  if (current) current.stop = true; // one check at a time: a new one ends the last
  const mine = (current = { id, stop: false });
  const policy = policyArgument(request.policy);
  let pool: CheckSeedWorkers | undefined;
  try {
    const lanes = checkLanes();
    if (engine.wasm && lanes > 0) pool = new CheckSeedWorkers(engine.wasm, { policy }, lanes);
    const checker = new DesignChecker(engine.sql, {
      policy,
      runs: request.runs,
      ...(pool ? { runner: pool.runner } : {}),
      onProgress: async (progress) => {
        post({ type: "check-progress", id, progress });
        // a turn of the message queue, so a Stop (or a new check) sent meanwhile is seen
        await new Promise((resolve) => setTimeout(resolve, 0));
        return mine.stop;
      },
    });
    post({ type: "check-result", id, outcome: { ok: true, report: await checker.run() } });
  } catch (e) {
    // a checker worker that failed to start or died mid-check: the page is told, instead of waiting for good
    post({ type: "check-result", id, outcome: { ok: false, problem: `the check stopped: ${(e as Error).message}` } });
  } finally {
    if (current === mine) current = undefined;
    void pool?.close();
  }
}

/** Why a request is none the checker takes (one line), or undefined. */
function requestProblem(request: CheckRequest): string | undefined {
  if (typeof request.policy !== "string" || request.policy.length > 10_000) return "the policy is a preset's name or a JSON knob set";
  if (!Number.isInteger(request.runs) || request.runs < 1 || request.runs > MAX_CHECK_RUNS) return `the number of sequences is a whole number from 1 to ${MAX_CHECK_RUNS}, not ${String(request.runs).slice(0, 40)}`;
  try {
    policyArgument(request.policy);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
