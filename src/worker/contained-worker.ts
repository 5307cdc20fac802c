/**
 * Start the engine worker from a blob: URL that imports the real worker module. A worker started from a
 * same-origin file gets its Content-Security-Policy from that file's HTTP headers, which a static host does not
 * send; a worker started from a blob: URL inherits the page's policy (index.html's meta tag). So the scenarios
 * it runs are held to `connect-src 'self'` and `script-src 'self'`: no request or `import()` to another origin,
 * whatever the script tries (src/worker/sandbox.ts withholds the APIs themselves).
 */
import workerUrl from "./engine-worker.ts?worker&url";

export function startEngineWorker(): Worker {
  const boot = URL.createObjectURL(new Blob([`import ${JSON.stringify(new URL(workerUrl, import.meta.url).href)};\n`], { type: "text/javascript" }));
  try {
    return new Worker(boot, { type: "module", name: "engine" });
  } finally {
    URL.revokeObjectURL(boot); // the worker took its script when it was constructed
  }
}
