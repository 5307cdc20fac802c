/**
 * The worker thread a headless run happens in, so a runaway script can be
 * stopped by terminating it. It reports as it goes (log lines, and where the
 * run is: trace, instance, disk), so a run cut short keeps what happened.
 */
import { parentPort, workerData } from "node:worker_threads";
import { loadSqlJs } from "../engine/disk/sqljs-node.ts";
import type { RunOverrides, Simulation } from "../engine/api/simulation.ts";
import { ProgressClock } from "./progress.ts";
import { savedStatedir, type SavedStatedir } from "../engine/disk/statedir-image.ts";
import { runScenario, summarize, type RunSummary } from "./run-scenario.ts";

export type NodeWorkerMessage =
  | { type: "progress"; logs: string[]; summary: RunSummary | undefined }
  /** The script still waits on the simulation, and nothing else is new: the parent's hard stop waits for such a run. */
  | { type: "turning" }
  | { type: "result"; result: Awaited<ReturnType<typeof runScenario>>; statedir?: SavedStatedir };

const { text, overrides, timeoutMs, saveStatedir } = workerData as { text: string; overrides: RunOverrides; timeoutMs: number; saveStatedir: boolean };
const post = (message: NodeWorkerMessage) => parentPort!.postMessage(message);
const sql = await loadSqlJs();
const clock = new ProgressClock();
/**
 * Where the run is (trace, instance, disk), when no log line is waiting: a run cut short loses at most this much of
 * it. Measured: every 5 ms (as log lines go) cost ~0.2 ms a report, 0.74 s of a 16 s profile of 6 000 puts.
 */
const PROGRESS_EVERY_MS = 50;
let sim: Simulation | undefined;
let lines: string[] = [];
let reportedEvents = -1;
let statedir: SavedStatedir | undefined;

const report = () => {
  const summary = sim && summarize(sim, []);
  reportedEvents = summary?.events ?? reportedEvents;
  post({ type: "progress", logs: lines, summary });
  lines = [];
};

const result = await runScenario(text, {
  sql,
  overrides,
  timeLimitMs: timeoutMs,
  retainTrace: false,
  onSimulation: (s) => {
    sim = s;
    post({ type: "progress", logs: [], summary: undefined }); // the script starts now: the parent's clock starts with its own
  },
  ...(saveStatedir ? { beforeDispose: (s: Simulation) => (statedir = s.existingBroker && savedStatedir(s.existingBroker.disk)) } : {}),
  onLog: (line) => {
    lines.push(line);
    if (clock.due(lines.length)) report();
  },
  onTurn: () => {
    if (lines.length > 0) {
      if (clock.due(lines.length)) report();
    } else if (clock.intervalPassed(PROGRESS_EVERY_MS)) {
      if (reportedEvents !== (sim?.existingBroker?.trace.length ?? -1)) report();
      else post({ type: "turning" });
    }
  },
});
// the log lines went out as the run went: the parent has them all
if (lines.length > 0) report();
post({ type: "result", result: { ...result, logs: [] }, ...(statedir ? { statedir } : {}) });
