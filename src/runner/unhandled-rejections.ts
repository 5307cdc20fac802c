/**
 * A promise the script rejected and never handled (`Promise.reject(...)`, an
 * unawaited call that fails) would otherwise be a page error in the browser
 * and kill the Node worker thread, taking the whole run with it. While a run
 * lasts, this catches such rejections in whatever host the runner is in, so
 * the run can end on them like on an escaped error.
 */
export interface RejectionWatch {
  /** The first rejection nobody handled since the last take(), if any (and forget it). */
  take(): { reason: unknown } | undefined;
  stop(): void;
}

import { host } from "../engine/common/host.ts";

interface NodeProcess {
  on(event: "unhandledRejection", listener: (reason: unknown) => void): void;
  off(event: "unhandledRejection", listener: (reason: unknown) => void): void;
}

export function watchUnhandledRejections(): RejectionWatch {
  let first: { reason: unknown } | undefined;
  const record = (reason: unknown) => void (first ??= { reason });
  const take = () => {
    const taken = first;
    first = undefined;
    return taken;
  };
  const node = globalThis as { process?: NodeProcess };
  const nodeProcess = typeof node.process?.on === "function" ? node.process : undefined;
  if (nodeProcess) {
    nodeProcess.on("unhandledRejection", record);
    return { take, stop: () => nodeProcess.off("unhandledRejection", record) };
  }
  const onEvent = (e: PromiseRejectionEvent) => {
    e.preventDefault(); // not a page error: the run reports it on its line
    record(e.reason);
  };
  // the listeners captured at start-up: a script's realm has none left on its global object (script-realm.ts)
  host.addEventListener?.("unhandledrejection", onEvent as (event: never) => void);
  return { take, stop: () => host.removeEventListener?.("unhandledrejection", onEvent as (event: never) => void) };
}
