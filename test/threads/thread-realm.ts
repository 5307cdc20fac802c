/** A linked realm in a Node worker thread over the real channel, as in an isolated page (sync-pipe.test.ts, bench/linked-node.ts). */
import { Worker } from "node:worker_threads";
import type { ScriptRealm } from "../../src/worker/replayed-run.ts";
import { EngineEnd, pipeBuffer, serveLink } from "../../src/worker/sync-pipe.ts";

/** A realm over a channel of `chunkBytes`; `onRequest` is told of each request before it is answered. */
export function threadRealm(chunkBytes?: number, onRequest?: () => void): ScriptRealm {
  return (request, listener) => {
    const buffer = pipeBuffer(chunkBytes);
    const worker = new Worker(new URL("./linked-realm-boot.mjs", import.meta.url), { workerData: { buffer, request } });
    worker.on("error", (e) => listener.failed(e.message));
    const end = new EngineEnd(buffer);
    void serveLink(end, {
      message: (data) => listener.message(data),
      answer: (r) => {
        onRequest?.();
        return listener.answer(r);
      },
      failed: (reason) => listener.failed(reason),
    });
    return {
      terminate: () => {
        end.close();
        void worker.terminate();
      },
    };
  };
}
