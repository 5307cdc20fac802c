/** A script's realm without an engine in a worker thread: the page's linked realm, without the browser (sync-pipe.test.ts). */
import { workerData } from "node:worker_threads";
import { EngineLink } from "../../src/worker/engine-link.ts";
import { runLinked } from "../../src/worker/linked-run.ts";
import type { ScriptRequest } from "../../src/worker/replayed-run.ts";
import { RealmEnd, realmExchange } from "../../src/worker/sync-pipe.ts";

const { buffer, request } = workerData as { buffer: SharedArrayBuffer; request: ScriptRequest };
await runLinked(request, new EngineLink(realmExchange(new RealmEnd(buffer))));
