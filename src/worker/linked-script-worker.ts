/**
 * A scenario's own realm where the page is cross-origin isolated: a worker without an engine. The engine's worker
 * starts it for one run (one kept warm) and terminates it when the run ends. The script runs here, and each of its
 * calls is carried out by the engine's worker, warm, over a synchronous channel (sync-pipe.ts): one engine per run,
 * against two where a realm must run its own (script-worker.ts, the path of a page that is not isolated). Before the
 * script runs, the global object is cut down to the JavaScript built-ins (script-realm.ts).
 */
// first: the host functions the runner needs are taken before anything else can run in this realm
import "../engine/common/host.ts";
import { EngineLink } from "./engine-link.ts";
import { runLinked } from "./linked-run.ts";
import type { ScriptRequest } from "./replayed-run.ts";
import { keepOnlyBuiltIns } from "./script-realm.ts";
import { RealmEnd, realmExchange } from "./sync-pipe.ts";

/** What the engine's worker tells this one: to get ready, then the one run and the channel's buffer. */
export type LinkedWorkerRequest = { type: "init" } | ({ type: "run"; buffer: SharedArrayBuffer } & ScriptRequest);

const scope = self as unknown as DedicatedWorkerGlobalScope;
const tellEngine = scope.postMessage.bind(scope);

scope.onmessage = (e: MessageEvent<LinkedWorkerRequest>) => {
  const request = e.data;
  if (request.type === "init") return tellEngine({ type: "ready" });
  scope.onmessage = null; // one run per realm
  const link = new EngineLink(realmExchange(new RealmEnd(request.buffer)));
  // the runner reports every error of the script's; one of its own (a bug) must still end the run, and say what it was
  runLinked(request, link, keepOnlyBuiltIns).catch((e: unknown) =>
    link.end({ error: { message: `the scenario's realm failed: ${String((e as Error)?.message ?? e).slice(0, 500)}` }, badInput: true }, false),
  );
};
tellEngine({ type: "booted" });
