/**
 * The page's Compare: the scenario under every preset, with the epilogue of `npm run compare`, reporting progress
 * after each preset and recording each run (trace, frames, trees) so the page can show any of them.
 */
import type { SqlJsWithFS } from "../engine/disk/sqljs-patch.ts";
import { describePolicy, PRESETS, type PresetName } from "../engine/policy/presets.ts";
import { compareScenario } from "../runner/compare.ts";
import type { CompareRequest, RunResult, WorkerReply } from "./protocol.ts";
import { Recorder, type ChunkContent } from "./recorder.ts";

export async function compareInWorker(request: CompareRequest, sql: SqlJsWithFS, post: (reply: WorkerReply) => void): Promise<void> {
  const presets = Object.keys(PRESETS) as PresetName[];
  const runs: Record<string, RunResult> = {};
  let done = 0;
  const outcomes = await compareScenario(request.text, sql, presets, {
    overrides: request.overrides,
    observe: (setting) => {
      const policy = describePolicy(setting);
      post({ type: "compare-progress", id: request.id, done, total: presets.length, policy });
      const run: ChunkContent = { events: [], frames: [], trees: {} };
      const recorder = new Recorder((chunk) => {
        for (const e of chunk.events) run.events.push(e);
        for (const f of chunk.frames) run.frames.push(f);
        Object.assign(run.trees, chunk.trees);
      });
      const started = performance.now();
      return {
        onBroker: (broker) => recorder.attach(broker),
        onResult: (result) => {
          recorder.flush();
          runs[policy] = { type: "result", id: request.id, result, ...run, ms: performance.now() - started };
          done++;
        },
      };
    },
  });
  post({ type: "compare-result", id: request.id, outcomes, runs });
}
