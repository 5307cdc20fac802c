/** Shared test helpers: the patched sql.js, and running a scenario text in this process. */
import { readFileSync } from "node:fs";
import type { Broker } from "../src/engine/broker/broker.ts";
import { loadSqlJs } from "../src/engine/disk/sqljs-node.ts";
import type { SqlJsWithFS } from "../src/engine/disk/sqljs-patch.ts";
import type { TraceEvent } from "../src/engine/sim/trace.ts";
import { runScenario, type RunOptions, type ScenarioResult } from "../src/runner/run-scenario.ts";
import type { Frame, TreeNode } from "../src/worker/protocol.ts";
import { Recorder } from "../src/worker/recorder.ts";

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
 * Open a copy of the statedir's database (and its WAL) in a scratch
 * directory and run PRAGMA integrity_check on it, without touching the
 * instance's own files.
 */
export function integrityOfCopy(sql: SqlJsWithFS, broker: Broker, scratch: string): string {
  const fs = sql.FS;
  if (!fs.analyzePath(scratch).exists) fs.mkdirTree(scratch);
  const files = broker.disk.snapshot();
  if (!files.has("content.sqlite")) return "ok";
  for (const name of ["content.sqlite", "content.sqlite-wal", "content.sqlite-shm"]) {
    const path = `${scratch}/${name}`;
    if (fs.analyzePath(path).exists) fs.unlink(path);
    const bytes = files.get(name);
    if (bytes) fs.writeFile(path, bytes);
  }
  const db = new sql.Database();
  try {
    db.exec(`ATTACH '${scratch}/content.sqlite' AS copy`);
    return String(db.exec("PRAGMA copy.integrity_check")[0]?.values[0]?.[0]);
  } finally {
    db.close();
  }
}

/** Run a scenario text with the page's recorder, and put its chunks together as the page's client does. */
export async function runRecorded(text: string): Promise<ScenarioResult & { trace: readonly TraceEvent[]; frames: Frame[]; trees: Record<string, TreeNode> }> {
  const frames: Frame[] = [];
  const trees: Record<string, TreeNode> = {};
  const recorder = new Recorder((chunk) => {
    for (const frame of chunk.frames) frames.push(frame);
    Object.assign(trees, chunk.trees);
  });
  const result = await run(text, { onBroker: (broker) => recorder.attach(broker) });
  recorder.flush();
  return { ...result, frames, trees };
}
