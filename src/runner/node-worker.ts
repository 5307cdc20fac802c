/** The worker thread a headless run happens in, so a runaway script can be stopped by terminating it. */
import { parentPort, workerData } from "node:worker_threads";
import { loadSqlJs } from "../engine/disk/sqljs-node.ts";
import type { RunOverrides } from "../engine/api/simulation.ts";
import { runScenario } from "./run-scenario.ts";

const { text, overrides, streamLogs } = workerData as { text: string; overrides: RunOverrides; streamLogs: boolean };
const sql = await loadSqlJs();
const result = await runScenario(text, {
  sql,
  overrides,
  retainTrace: false,
  ...(streamLogs ? { onLog: (line: string) => parentPort!.postMessage({ type: "log", line }) } : {}),
});
parentPort!.postMessage({ type: "result", result });
