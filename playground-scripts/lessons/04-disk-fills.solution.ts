// Lesson 4: the disk fills. Another consumer takes the statedir's free space.
scenario({ title: "Lesson 4: the disk fills", disk: "4 MiB" });

const attempt = async (what: string, call: Promise<unknown>) => log(what, "→", await call.then(() => "ok", (e: Error) => e.message));

await flux.start();
await kvs.put("a", 1, { sync: true });
disk.fill(); // a log file, a core dump: all free space is gone
log(`disk: ${disk.used} of ${disk.quota} bytes used`);

await attempt("put big", kvs.put("big", bytes(100_000))); // ok: cached
await sim.settle(); // its write-back fails
await attempt("flush", content.flush()); // content.flush: No space left on device
await attempt("put --sync", kvs.put("c", 3, { sync: true })); // flux_kvs_commit: No space left on device
await attempt("job", jobs.submit(1)); // ok: its commits are cached too
log("dirty:", (await content.stats()).dirty);
const errors = flux.dmesg({ level: "err" }); // err and worse: what an admin sees
log(`${errors.length} lines; the first four:`);
for (const line of errors.slice(0, 4)) log(line);
