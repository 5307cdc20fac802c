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
  const host = globalThis as { process?: NodeProcess; addEventListener?: typeof addEventListener; removeEventListener?: typeof removeEventListener };
  const nodeProcess = typeof host.process?.on === "function" ? host.process : undefined;
  if (nodeProcess) {
    nodeProcess.on("unhandledRejection", record);
    return { take, stop: () => nodeProcess.off("unhandledRejection", record) };
  }
  const onEvent = (e: PromiseRejectionEvent) => {
    e.preventDefault(); // not a page error: the run reports it on its line
    record(e.reason);
  };
  host.addEventListener?.("unhandledrejection", onEvent);
  return { take, stop: () => host.removeEventListener?.("unhandledrejection", onEvent) };
}
