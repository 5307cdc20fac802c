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

// 1. await attempt("flush", content.flush()): does it work now?
// 2. One more plain put, await attempt("put e", kvs.put("e", 5)), then flush again, but do not await it:
//    const flush = attempt("flush again", content.flush()); await sim.advance(60_000); (a virtual minute)
// 3. A synced put, not awaited either: const sync = attempt("put --sync", kvs.put("d", 4, { sync: true }));
//    await sim.advance(60_000); log(flux.state, (await content.stats()).dirty)
// 4. The admin kills the instance: flux.crash(); await flush; await sync; then await flux.start()
// 5. attempt("get a", kvs.get("a")) and attempt("get big", kvs.get("big"))
