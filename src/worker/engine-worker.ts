/**
 * The page's engine: the very runner of `npm run scenario`, in a Web Worker,
 * so the page stays responsive and a runaway script can be stopped by
 * terminating this worker.
 */
import { loadSqlJs } from "../engine/disk/sqljs-browser.ts";
import type { TraceEvent } from "../engine/sim/trace.ts";
import { runScenario } from "../runner/run-scenario.ts";
import type { CompareRequest, RunRequest, RunResult, WorkerReply } from "./protocol.ts";
import { compareInWorker } from "./compare-handler.ts";
import { Recorder } from "./recorder.ts";
import { withholdFromScenarios } from "./sandbox.ts";
import { sqliteFilesOf, type StatedirFile } from "./statedir-export.ts";
import type { Broker } from "../engine/broker/broker.ts";

const post = (message: WorkerReply, transfer: Transferable[] = []) => self.postMessage(message, { transfer });
const sql = await loadSqlJs();
// the engine has what it needs from the network; scenarios get none of it
withholdFromScenarios();

self.onmessage = async (e: MessageEvent<RunRequest | CompareRequest>) => {
  if (e.data.type === "compare") return compareInWorker(e.data, sql, post);
  const request = e.data;
  const started = performance.now();
  const recorder = new Recorder();
  let events: readonly TraceEvent[] = [];
  let instance: Broker | undefined;
  let statedir: StatedirFile[] = [];
  const result = await runScenario(request.text, {
    sql,
    overrides: request.overrides,
    onBroker: (broker) => {
      instance = broker;
      recorder.attach(broker);
    },
    onTrace: (trace) => (events = trace),
    beforeDispose: () => (statedir = instance ? sqliteFilesOf(instance) : []),
  });
  const reply: RunResult = {
    type: "result",
    id: request.id,
    result,
    events: [...events],
    frames: recorder.frames,
    trees: recorder.trees,
    ms: performance.now() - started,
    statedir,
  };
  post(reply, statedir.map((f) => f.bytes.buffer));
};

post({ type: "ready" });
