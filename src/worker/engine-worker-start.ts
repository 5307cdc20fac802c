/** Start the engine's worker, contained (contained-worker.ts): the page's runs and its Compare each have one. */
import engineWorkerUrl from "./engine-worker.ts?worker&url";
import { startContainedWorker } from "./contained-worker.ts";

export function startEngineWorker(): Worker {
  return startContainedWorker(new URL(engineWorkerUrl, import.meta.url).href, "engine");
}
