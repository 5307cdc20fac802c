/**
 * The page's engine: the very runner of `npm run scenario`, in a Web Worker,
 * so the page stays responsive and a runaway script can be stopped by
 * terminating this worker. The run's history goes out in chunks as it goes.
 */
import type { Simulation } from "../engine/api/simulation.ts";
import { loadSqlJs } from "../engine/disk/sqljs-browser.ts";
import { runScenario, summarize } from "../runner/run-scenario.ts";
import type { CompareRequest, ExportRequest, RunRequest, WorkerReply } from "./protocol.ts";
import { exportScenario } from "../export/export-scenario.ts";
import { compareInWorker } from "./compare-handler.ts";
import { Recorder } from "./recorder.ts";
import { withholdFromScenarios } from "./sandbox.ts";
import { sqliteFilesOf, type StatedirFile } from "./statedir-export.ts";
import type { Broker } from "../engine/broker/broker.ts";

const post = (message: WorkerReply, transfer: Transferable[] = []) => self.postMessage(message, { transfer });
const sql = await loadSqlJs();
// the engine has what it needs from the network; scenarios get none of it
withholdFromScenarios();

self.onmessage = async (e: MessageEvent<RunRequest | CompareRequest | ExportRequest>) => {
  if (e.data.type === "compare") return compareInWorker(e.data, sql, post);
  if (e.data.type === "export") return post({ type: "export-result", id: e.data.id, result: await exportScenario(e.data.text, e.data.name, sql) });
  const request = e.data;
  const started = performance.now();
  let sim: Simulation | undefined;
  let instance: Broker | undefined;
  let statedir: StatedirFile[] = [];
  const recorder = new Recorder((chunk) => post({ type: "chunk", id: request.id, ...chunk, summary: sim && summarize(sim, []) }));
  const result = await runScenario(request.text, {
    sql,
    overrides: request.overrides,
    ...(request.timeLimitMs === undefined ? {} : { timeLimitMs: request.timeLimitMs }),
    retainTrace: false,
    onSimulation: (s) => (sim = s),
    onBroker: (broker) => {
      instance = broker;
      recorder.attach(broker);
    },
    onTurn: () => recorder.turn(),
    beforeDispose: () => (statedir = instance ? sqliteFilesOf(instance) : []),
  });
  recorder.flush();
  post({ type: "end", id: request.id, result, ms: performance.now() - started, statedir }, statedir.map((f) => f.bytes.buffer));
};

post({ type: "ready" });
