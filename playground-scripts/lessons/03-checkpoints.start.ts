// Lesson 3: checkpoints and sync. What survives a power loss?
scenario({ title: "Lesson 3: checkpoints and sync" });

const read = async (key: string) => log(key, "→", await kvs.get(key).catch((e: Error) => e.message));

await flux.start();
await kvs.put("draft", "written without sync");
await sim.settle(); // its blobs even reach the database...
log("checkpoints:", (await flux.checkpoints()).map((c) => c.sequence));

flux.crash(); // power loss: memory is gone, the statedir keeps what was written
await flux.start();
await read("draft");

// Before the crash, also put a key with { sync: true }, and read it after the restart.
