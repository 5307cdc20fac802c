/** The worker thread `npm run compare` runs its presets in, so a runaway script can be stopped. */
import { parentPort, workerData } from "node:worker_threads";
import { loadSqlJs } from "../engine/disk/sqljs-node.ts";
import { compareScenario, type Column } from "./compare.ts";

const { text, columns } = workerData as { text: string; columns?: Column[] };
const started = performance.now();
const outcomes = await compareScenario(text, await loadSqlJs(), columns);
parentPort!.postMessage({ outcomes, ms: performance.now() - started });
