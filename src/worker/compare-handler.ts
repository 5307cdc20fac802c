/**
 * The page's Compare: the scenario under each column's policy (the script's own and every preset unless the page
 * names others), with the epilogue of `npm run compare`, reporting progress after each column and recording each
 * run so the page can show any of them. Each column's run is replayed from the script's own realm
 * (replayed-run.ts), and the epilogue runs on this side's engine: the table is the engine's, not the script's.
 *
 * A column's recorded run ends where its script ended: the epilogue (stop, restart, read back) is Compare's, not
 * the script's, so the run shown has the trace hash `npm run scenario -- --policy` gives for that policy.
 */
import type { SqlJsWithFS } from "../engine/disk/sqljs-patch.ts";
import { describePolicy } from "../engine/policy/presets.ts";
import { compareScenario, DEFAULT_COLUMNS, type Column } from "../runner/compare.ts";
import type { ScenarioResult } from "../runner/run-scenario.ts";
import type { CompareRequest, RunResult, WorkerReply } from "./protocol.ts";
import { Recorder, type ChunkContent } from "./recorder.ts";
import { replayedRun, type ScriptRealm } from "./replayed-run.ts";

export async function compareInWorker(request: CompareRequest, sql: SqlJsWithFS, realm: ScriptRealm, post: (reply: WorkerReply) => void): Promise<void> {
  const columns: Column[] = request.columns ? request.columns.map((c) => c ?? undefined) : [...DEFAULT_COLUMNS];
  const runs: Record<string, RunResult> = {};
  let done = 0;
  const outcomes = await compareScenario(request.text, sql, columns, {
    overrides: request.overrides,
    runner: (text, opts) => replayedRun(text, { sql, realm, ...opts }).result,
    observe: (setting) => {
      post({ type: "compare-progress", id: request.id, done, total: columns.length, policy: setting === undefined ? "the script's own" : describePolicy(setting) });
      const run: ChunkContent = { events: [], frames: [], trees: {} };
      let recording = true;
      const recorder = new Recorder((chunk) => {
        if (!recording) return;
        for (const e of chunk.events) run.events.push(e);
        for (const f of chunk.frames) run.frames.push(f);
        Object.assign(run.trees, chunk.trees);
      });
      let atScriptEnd: Pick<ScenarioResult, "state" | "disk" | "events"> | undefined;
      const started = performance.now();
      return {
        onBroker: (broker) => recorder.attach(broker),
        onScriptEnd: (end) => {
          recorder.flush();
          recording = false;
          atScriptEnd = end;
        },
        onResult: (result, outcome) => {
          recorder.flush();
          runs[outcome.policy] = { type: "result", id: request.id, result: { ...result, ...atScriptEnd, traceHash: outcome.traceHash }, ...run, ms: performance.now() - started };
          done++;
        },
      };
    },
  });
  post({ type: "compare-result", id: request.id, outcomes, runs });
}
