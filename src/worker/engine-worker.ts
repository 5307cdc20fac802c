/**
 * The page's engine, in a Web Worker, so the page stays responsive. It never runs a scenario itself: each run's
 * script runs in a fresh realm of its own (script-workers.ts), and this worker carries out what the script asked
 * on its own engine (replayed-run.ts): each call as it is made where the page is cross-origin isolated, else the
 * op log the realm sends. So what it reports — the trace and its hash, the frames, the statedir's files,
 * Compare's table — is the engine's, whatever the script did in its realm; and nothing a script does outlives its
 * run. The run's history goes out in chunks as it goes. Stop ends the run here (the page terminates this worker
 * only if it does not answer).
 */
import type { Simulation } from "../engine/api/simulation.ts";
import { compileSqlWasm, loadSqlJs } from "../engine/disk/sqljs-browser.ts";
import { loadTranspiler, summarize } from "../runner/run-scenario.ts";
import type { CheckRequest, CheckStopRequest, CompareRequest, ExportRequest, RunRequest, StatedirFileRequest, StopRequest, WorkerReply } from "./protocol.ts";
import { checkInWorker } from "./check-handler.ts";
import { exportScenario } from "../export/export-scenario.ts";
import { compareInWorker } from "./compare-handler.ts";
import { Recorder } from "./recorder.ts";
import { replayedRun, type ReplayedRun } from "./replayed-run.ts";
import { ScriptWorkers } from "./script-workers.ts";
import { statedirFilesOf, type StatedirFile } from "./statedir-export.ts";
import type { Broker } from "../engine/broker/broker.ts";

const post = (message: WorkerReply, transfer: Transferable[] = []) => self.postMessage(message, { transfer });
const wasm = await compileSqlWasm();
const sql = await loadSqlJs(wasm);
const scripts = new ScriptWorkers(wasm);
scripts.warm();
void loadTranspiler(); // each run's script is transpiled here (replayed-run.ts): the first should not wait for sucrase
let current: ReplayedRun | undefined;
/** The last run's statedir files: the page holds their names and sizes, and asks for a file's bytes when it is downloaded. */
let kept: { run: number; files: StatedirFile[] } = { run: 0, files: [] };

self.onmessage = async (e: MessageEvent<RunRequest | CompareRequest | ExportRequest | StopRequest | CheckRequest | CheckStopRequest | StatedirFileRequest>) => {
  // the export runs the script here, in an engine worker started for it alone and ended after (export-client.ts)
  if (e.data.type === "export") return post({ type: "export-result", id: e.data.id, result: await exportScenario(e.data.text, e.data.name, sql) });
  const request = e.data;
  if (request.type === "statedir-file") return sendStatedirFile(request);
  if (request.type === "stop") return current?.stop(typeof request.reason === "string" ? request.reason.slice(0, 200) : "stopped");
  if (request.type === "compare") return compareInWorker(request, sql, scripts.realm, post);
  if (request.type === "check" || request.type === "check-stop") return checkInWorker(request, { sql, wasm }, post);
  current?.stop("a new run started");
  const started = performance.now();
  let sim: Simulation | undefined;
  let instance: Broker | undefined;
  let statedir: StatedirFile[] = [];
  const recorderOfRun = () => new Recorder((chunk) => post({ type: "chunk", id: request.id, ...chunk, summary: sim && summarize(sim, []) }));
  let recorder = recorderOfRun();
  const run = (current = replayedRun(request.text, {
    sql,
    realm: scripts.realm,
    overrides: request.overrides,
    ...(request.timeLimitMs === undefined ? {} : { timeLimitMs: request.timeLimitMs }),
    onSimulation: (s) => (sim = s),
    onBroker: (broker) => {
      instance = broker;
      recorder.attach(broker);
    },
    onTurn: () => recorder.turn(),
    beforeDispose: () => {
      recorder.end();
      statedir = instance ? statedirFilesOf(instance) : [];
    },
    onRestart: () => {
      recorder = recorderOfRun();
      instance = undefined;
      post({ type: "restart", id: request.id });
    },
  }));
  const result = await run.result;
  if (current === run) current = undefined;
  recorder.flush(); // a run that never made its instance has no end to keep
  kept = { run: request.id, files: statedir };
  post({ type: "end", id: request.id, result, ms: performance.now() - started, statedir: statedir.map((f) => ({ name: f.name, size: f.bytes.length })) });
};

/** A copy of one kept file's bytes (moved to the page, which lets go of it once saved), or why there is none. */
function sendStatedirFile(request: StatedirFileRequest): void {
  const file = kept.run === request.run ? kept.files.find((f) => f.name === request.name) : undefined;
  if (!file) return post({ type: "statedir-bytes", id: request.id, bytes: null, problem: "only the last run's statedir files are kept: run the scenario again to download them" });
  const bytes = file.bytes.slice();
  post({ type: "statedir-bytes", id: request.id, bytes }, [bytes.buffer]);
}

post({ type: "ready" });
