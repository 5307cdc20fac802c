// Lesson 5: freeing space does not heal. The admin deletes the file that filled the disk.
scenario({ title: "Lesson 5: freeing space does not heal", disk: "4 MiB" });

const attempt = async (what: string, call: Promise<unknown>) => log(what, "→", await call.then(() => "ok", (e: Error) => e.message));

await flux.start();
await kvs.put("a", 1, { sync: true });
const filler = disk.fill();
await kvs.put("big", bytes(100_000)); // cached; its write-back fails with ENOSPC
await sim.settle();
disk.remove(filler); // the admin frees the space
log(`disk: ${disk.used} of ${disk.quota} bytes used, dirty: ${(await content.stats()).dirty}`);

await attempt("flush", content.flush()); // still ENOSPC: the cache remembers the errno, nothing retries the blob
await attempt("put e", kvs.put("e", 5)); // its write-back succeeds and clears the remembered errno...
const flush = attempt("flush again", content.flush()); // ...so this flush waits for the stranded blob
await sim.advance(60_000);

const sync = attempt("put --sync", kvs.put("d", 4, { sync: true })); // flushes first: waits too
await sim.advance(60_000);
log("a minute later: state", flux.state, "dirty", (await content.stats()).dirty);
await attempt("get a", kvs.get("a")); // reads still work

flux.crash(); // the admin kills the instance: the flush and the synced put finally end (ECONNRESET)
await flush;
await sync;
await flux.start(); // the last good checkpoint: a survives, big, e and d are gone
await attempt("get a", kvs.get("a"));
await attempt("get big", kvs.get("big"));
log("fsck:", (await flux.fsck()).ok ? "clean" : "damaged");
