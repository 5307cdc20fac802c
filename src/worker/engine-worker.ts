/**
 * The page's engine: the very runner of `npm run scenario`, in a Web Worker,
 * so the page stays responsive and a runaway script can be stopped by
 * terminating this worker. The run's history goes out in chunks as it goes.
 */
import type { Simulation } from "../engine/api/simulation.ts";
import { loadSqlJs } from "../engine/disk/sqljs-browser.ts";
import { runScenario, summarize } from "../runner/run-scenario.ts";
import type { RunRequest, WorkerReply } from "./protocol.ts";
import { Recorder } from "./recorder.ts";

const post = (message: WorkerReply) => self.postMessage(message);
const sql = await loadSqlJs();

self.onmessage = async (e: MessageEvent<RunRequest>) => {
  const request = e.data;
  const started = performance.now();
  let sim: Simulation | undefined;
  const recorder = new Recorder((chunk) => post({ type: "chunk", id: request.id, ...chunk, summary: sim && summarize(sim, []) }));
  const result = await runScenario(request.text, {
    sql,
    overrides: request.overrides,
    ...(request.timeLimitMs === undefined ? {} : { timeLimitMs: request.timeLimitMs }),
    retainTrace: false,
    onSimulation: (s) => (sim = s),
    onBroker: (broker) => recorder.attach(broker),
    onTurn: () => recorder.turn(),
  });
  recorder.flush();
  post({ type: "end", id: request.id, result, ms: performance.now() - started });
};

post({ type: "ready" });
