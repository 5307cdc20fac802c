// Lesson 3: checkpoints and sync. What survives a broker crash?
scenario({ title: "Lesson 3: checkpoints and sync" });

const read = async (key: string) => log(key, "→", await kvs.get(key).catch((e: Error) => e.message));

await flux.start();
await kvs.put("draft", "written without sync");
await kvs.put("saved", "written with sync", { sync: true }); // flush, then checkpoint the new root: draft is in it too
await kvs.put("late", "written after the sync");
await sim.settle(); // its blobs even reach the database...
log("checkpoints:", (await flux.checkpoints()).map((c) => c.sequence)); // ...but no checkpoint names the root that has "late"

flux.crash(); // the broker dies (kill -9): memory is gone, the statedir keeps what SQLite committed
await flux.start(); // restores the newest checkpoint
await read("draft"); // → written without sync
await read("saved"); // → written with sync
await read("late"); // → ENOENT
log(flux.dmesg("not shut down properly"));
