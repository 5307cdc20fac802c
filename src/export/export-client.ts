/**
 * The page's Files → Export as flux-core test: the export runs in an engine worker of its own (the scenario runs
 * once on the model there, never on the page's thread), which is terminated when it answers or at the time limit.
 * The script runs in that worker's realm, not in a script realm of its own as a page run does: the test it
 * writes is only as trustworthy as the script (README: read a test exported from someone else's link before
 * running it). Its reply is checked like every other (reply-check.ts).
 */
import { startEngineWorker } from "../worker/engine-worker-start.ts";
import type { WorkerReply } from "../worker/protocol.ts";
import { checkReply } from "../ui/reply-check.ts";
import type { ExportOutput } from "./sharness-test.ts";

/** The export's own run has a minute, as `npm run export` has. */
const EXPORT_CLIENT_LIMIT_MS = 65_000;

export function exportInWorker(text: string, name: string): Promise<ExportOutput> {
  const worker = startEngineWorker();
  return new Promise<ExportOutput>((resolve) => {
    const end = (result: ExportOutput) => {
      clearTimeout(timer);
      worker.terminate();
      resolve(result);
    };
    const timer = setTimeout(() => end({ ok: false, problems: [`line ?: the model's run did not end within ${EXPORT_CLIENT_LIMIT_MS / 1000} s`] }), EXPORT_CLIENT_LIMIT_MS);
    worker.onmessage = (e: MessageEvent<unknown>) => {
      let reply: WorkerReply;
      try {
        reply = checkReply(e.data);
      } catch (error) {
        return end({ ok: false, problems: [`line ?: ${(error as Error).message}`] });
      }
      if (reply.type === "ready") worker.postMessage({ type: "export", id: 1, text, name });
      else if (reply.type === "export-result") end(reply.result);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      end({ ok: false, problems: [`line ?: the engine failed: ${e.message}`] });
    };
  });
}
