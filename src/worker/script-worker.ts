/**
 * A scenario's own realm: a worker the engine's worker starts for one run (one kept warm, so a run does not wait
 * for its start), and terminates when the run ends, with whatever the script did to it. The script runs here
 * against an engine of its own, as it would anywhere (the same waits, the same answers), and what it asked goes
 * to the engine's worker as an op log (op-log.ts) over the port it was handed; that worker replays the log on its
 * own engine, and only that engine's trace counts. Before the script runs, the global object is cut down to the
 * JavaScript built-ins (script-realm.ts): from then on this realm can reach nothing but that port.
 */
// first: the host functions the engine needs are taken before anything else can run in this realm
import "../engine/common/host.ts";
import { loadSqlJs } from "../engine/disk/sqljs-browser.ts";
import type { SqlJsWithFS } from "../engine/disk/sqljs-patch.ts";
import type { ScriptRequest } from "./replayed-run.ts";
import { keepOnlyBuiltIns } from "./script-realm.ts";
import { runForReplay } from "./script-run.ts";
import type { ScriptMessage } from "./script-protocol.ts";

/** What the engine's worker tells this one: the compiled sql.js first, then the one run. */
export type ScriptWorkerRequest = { type: "init"; wasm: WebAssembly.Module } | ({ type: "run" } & ScriptRequest);

const scope = self as unknown as DedicatedWorkerGlobalScope;
const tellEngine = scope.postMessage.bind(scope);
let sql: Promise<SqlJsWithFS> | undefined;

scope.onmessage = (e: MessageEvent<ScriptWorkerRequest>) => {
  const request = e.data;
  if (request.type === "init") {
    sql = loadSqlJs(request.wasm); // the script comes transpiled (replayed-run.ts): this realm never loads sucrase
    sql.then(
      () => tellEngine({ type: "ready" }),
      (e: unknown) => tellEngine({ type: "failed", message: `its engine did not load: ${(e as Error)?.message ?? String(e)}` }),
    );
    return;
  }
  const port = e.ports[0];
  if (port && sql) void run(request, port, sql);
};
// the engine (hash-wasm) loads with a top-level await, and a message that comes before this line runs is lost
tellEngine({ type: "booted" });

async function run(request: Extract<ScriptWorkerRequest, { type: "run" }>, port: MessagePort, sqlReady: Promise<SqlJsWithFS>): Promise<void> {
  scope.onmessage = null; // one run per realm
  const engine = await sqlReady;
  const send = (message: ScriptMessage) => port.postMessage(message);
  // the runner reports every error of the script's; one of its own (a bug) must still end the run, and say what it was
  await runForReplay(request, engine, send, keepOnlyBuiltIns).catch((e: unknown) =>
    send({ type: "end", ending: { error: { message: `the scenario's realm failed: ${String((e as Error)?.message ?? e).slice(0, 500)}` }, badInput: true }, traceHash: "", events: 0, epilogue: false }),
  );
}
