/**
 * What a scenario from a link can reach in the engine worker: the scenario API, and not the network, the
 * browser's storage or more workers. Called once the engine has loaded (sql.js fetched its wasm); from then on
 * each of these names, looked up as a global or on `self`/`globalThis`, throws an error that says why.
 *
 * The names are replaced on the global object itself and removed from its prototypes (a script could otherwise
 * find `fetch` on WorkerGlobalScope.prototype), and the replacements can be neither reassigned nor deleted.
 * The page's Content-Security-Policy (index.html) is the second wall: it reaches this worker too, because the
 * page starts it from a blob: URL (src/worker/contained-worker.ts), so even an `import()` of another origin or
 * a request from an API not listed here is refused by the browser.
 */
export const WITHHELD = [
  "fetch",
  "XMLHttpRequest",
  "WebSocket",
  "WebTransport",
  "EventSource",
  "importScripts",
  "indexedDB",
  "caches",
  "Worker",
  "SharedWorker",
] as const;

export function withholdFromScenarios(scope: object = globalThis): void {
  for (const name of WITHHELD) {
    for (let proto = Object.getPrototypeOf(scope); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto)) {
      if (Object.getOwnPropertyDescriptor(proto, name)?.configurable) delete (proto as Record<string, unknown>)[name];
    }
    Object.defineProperty(scope, name, {
      get() {
        throw new Error(`${name} is not available to a scenario: scenarios run without network, browser storage or workers`);
      },
      configurable: false,
      enumerable: false,
    });
  }
}
