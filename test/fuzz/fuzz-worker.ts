/** One worker thread that runs fuzz scripts one after another, as the page's engine worker runs a session's scripts. */
import { parentPort } from "node:worker_threads";
import { loadSqlJs } from "../../src/engine/disk/sqljs-node.ts";
import { runScenario } from "../../src/runner/run-scenario.ts";

export interface FuzzOutcome {
  ok: boolean;
  badInput: boolean;
  message: string | undefined;
  line: number | undefined;
}

const sql = await loadSqlJs();
parentPort!.on("message", async ({ scripts, timeLimitMs }: { scripts: string[]; timeLimitMs: number }) => {
  const outcomes: FuzzOutcome[] = [];
  for (const text of scripts) {
    const r = await runScenario(text, { sql, retainTrace: false, timeLimitMs });
    outcomes.push({ ok: r.ok, badInput: r.badInput === true, message: r.error?.message, line: r.error?.line });
  }
  parentPort!.postMessage(outcomes);
});
parentPort!.postMessage("ready");
