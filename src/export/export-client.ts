/**
 * The page's Files → Export as flux-core test: the export runs in an engine worker of its own (the scenario runs
 * once on the model there, never on the page's thread), which is terminated when it answers or at the time limit.
 */
import { startEngineWorker } from "../worker/contained-worker.ts";
import type { WorkerReply } from "../worker/protocol.ts";
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
    worker.onmessage = (e: MessageEvent<WorkerReply>) => {
      if (e.data.type === "ready") worker.postMessage({ type: "export", id: 1, text, name });
      else if (e.data.type === "export-result") end(e.data.result);
    };
    worker.onerror = (e) => {
      e.preventDefault();
      end({ ok: false, problems: [`line ?: the engine failed: ${e.message}`] });
    };
  });
}
