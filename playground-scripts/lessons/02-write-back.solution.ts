// Lesson 2: write-back. When does a commit answer, and when are its blobs on disk?
scenario({ title: "Lesson 2: write-back" });

await flux.start();
await kvs.put("data", bytes(300_000)); // answers when the blobs are in the cache
log("right after the put:", await content.stats()); // dirty > 0: not on disk yet
await sim.settle(); // virtual time passes; the write-back drains the dirty blobs
log("after settle:", await content.stats()); // dirty 0
