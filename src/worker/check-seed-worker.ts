/**
 * One lane of the page's Check (check-seed-workers.ts): a DesignChecker of its own on a sql.js of its own, serving
 * the seeds the check's worker sends, as a thread of the CLI's does (src/checker/check-thread.ts). It runs only the
 * checker's own scripts, never a reader's.
 */
import { DesignChecker } from "../checker/check-design.ts";
import { laneServer, type ThreadCheck, type ThreadRequest } from "../checker/seed-pool.ts";
import { loadSqlJs } from "../engine/disk/sqljs-browser.ts";

export type CheckSeedWorkerRequest = { type: "init"; wasm: WebAssembly.Module; check: ThreadCheck } | ThreadRequest;

const scope = self as unknown as DedicatedWorkerGlobalScope;
let serve: ((request: ThreadRequest) => void) | undefined;
scope.onmessage = (e: MessageEvent<CheckSeedWorkerRequest>) => {
  const request = e.data;
  if ("type" in request) {
    const checker = loadSqlJs(request.wasm).then((sql) => new DesignChecker(sql, { ...request.check, runs: 0 }));
    serve = laneServer(checker, (reply) => scope.postMessage(reply));
  } else serve?.(request);
};
// the engine loads with a top-level await: a message sent before this module ran would be lost, so say when it has
scope.postMessage({ type: "ready" });
