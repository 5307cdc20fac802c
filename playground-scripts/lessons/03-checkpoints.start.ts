// Lesson 3: checkpoints and sync. What survives a broker crash?
scenario({ title: "Lesson 3: checkpoints and sync" });

const read = async (key: string) => log(key, "→", await kvs.get(key).catch((e: Error) => e.message));

await flux.start();
await kvs.put("draft", "written without sync");
await sim.settle(); // its blobs even reach the database
log("checkpoints:", (await flux.checkpoints()).map((c) => c.sequence));

flux.crash(); // the broker dies (kill -9): memory is gone, the statedir keeps what SQLite committed
await flux.start();
await read("draft");

// 1. After the draft, put a key with sync: kvs.put("saved", "written with sync", { sync: true })
// 2. After that, put one more key without sync: kvs.put("late", "written after the sync")
// 3. After the restart, read all three.
