/**
 * Start a worker from a blob: URL that imports the real worker module. A worker started from a same-origin file
 * gets its Content-Security-Policy from that file's HTTP headers, which a static host does not send; a worker
 * started from a blob: URL inherits its creator's policy (index.html's meta tag, for the engine's worker; the engine
 * worker's, for a scenario's). So the scenarios are held to `connect-src 'self'` and `script-src 'self'`: no request
 * or `import()` to another origin, whatever the script tries (src/worker/script-realm.ts removes the APIs themselves).
 */
export function startContainedWorker(url: string, name: string): Worker {
  const boot = URL.createObjectURL(new Blob([`import ${JSON.stringify(url)};\n`], { type: "text/javascript" }));
  try {
    return new Worker(boot, { type: "module", name });
  } finally {
    URL.revokeObjectURL(boot); // the worker took its script when it was constructed
  }
}
