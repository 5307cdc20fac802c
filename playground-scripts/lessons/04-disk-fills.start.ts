// Lesson 4: the disk fills. Another consumer takes the statedir's free space.
scenario({ title: "Lesson 4: the disk fills", disk: "4 MiB" });

const attempt = async (what: string, call: Promise<unknown>) => log(what, "→", await call.then(() => "ok", (e: Error) => e.message));

await flux.start();
await kvs.put("a", 1, { sync: true });
disk.fill(); // a log file, a core dump: all free space is gone
log(`disk: ${disk.used} of ${disk.quota} bytes used`);

// 1. attempt("put big", kvs.put("big", bytes(100_000))); then await sim.settle()
// 2. attempt("flush", content.flush()) and attempt("put --sync", kvs.put("c", 3, { sync: true }))
// 3. attempt("job", jobs.submit(1))
// 4. const errors = flux.dmesg({ level: "err" }): what an admin sees (log the first few: errors.slice(0, 4))
