// Lesson 3: checkpoints and sync. What survives a power loss?
scenario({ title: "Lesson 3: checkpoints and sync" });

const read = async (key: string) => log(key, "→", await kvs.get(key).catch((e: Error) => e.message));

await flux.start();
await kvs.put("saved", "written with sync", { sync: true }); // flush, then checkpoint the new root
await kvs.put("draft", "written without sync");
await sim.settle(); // its blobs even reach the database...
log("checkpoints:", (await flux.checkpoints()).map((c) => c.sequence)); // ...but no checkpoint names its root

flux.crash(); // power loss: memory is gone, the statedir keeps what was written
await flux.start(); // restores the newest checkpoint
await read("saved"); // → written with sync
await read("draft"); // → ENOENT
log(flux.dmesg("not shut down properly"));
