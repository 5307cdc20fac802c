/** Shared test helpers: the patched sql.js, and running a scenario text in this process. */
import { readFileSync } from "node:fs";
import { loadSqlJs } from "../src/engine/disk/sqljs-node.ts";
import type { SqlJsWithFS } from "../src/engine/disk/sqljs-patch.ts";
import type { TraceEvent } from "../src/engine/sim/trace.ts";
import { runScenario, type RunOptions, type ScenarioResult } from "../src/runner/run-scenario.ts";
import type { Frame, TreeNode } from "../src/worker/protocol.ts";
import { Recorder } from "../src/worker/recorder.ts";

export { integrityOfCopy } from "../src/checker/integrity.ts";

export const sqlReady: Promise<SqlJsWithFS> = loadSqlJs();

export async function run(text: string, opts: Omit<RunOptions, "sql"> = {}): Promise<ScenarioResult & { trace: readonly TraceEvent[] }> {
  let trace: readonly TraceEvent[] = [];
  const result = await runScenario(text, { ...opts, sql: await sqlReady, onTrace: (events) => (trace = events) });
  return { ...result, trace };
}

export function script(path: string): string {
  return readFileSync(path, "utf8");
}

/**
 * Run a scenario text with the page's recorder, and put its chunks together as the page's client does.
 * `chunkAtLastEvent`: a chunk goes out right at the run's last event, before the end is recorded (as the recorder's clock may do).
 */
export async function runRecorded(
  text: string,
  { chunkAtLastEvent = false } = {},
): Promise<ScenarioResult & { trace: readonly TraceEvent[]; frames: Frame[]; trees: Record<string, TreeNode> }> {
  const frames: Frame[] = [];
  const trees: Record<string, TreeNode> = {};
  const recorder = new Recorder((chunk) => {
    for (const frame of chunk.frames) frames.push(frame);
    Object.assign(trees, chunk.trees);
  });
  const beforeDispose = () => {
    if (chunkAtLastEvent) recorder.flush();
    recorder.end();
  };
  const result = await run(text, { onBroker: (broker) => recorder.attach(broker), beforeDispose });
  recorder.flush();
  return { ...result, frames, trees };
}
