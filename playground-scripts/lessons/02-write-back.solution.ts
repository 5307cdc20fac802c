// Lesson 2: write-back. A commit answers once its blobs are cached; the cache writes them to disk afterwards.
scenario({ title: "Lesson 2: write-back" });

await flux.start();
await kvs.put("data", bytes(300_000)); // answers when the blobs are in the cache
log("right after the put:", await content.stats()); // dirty > 0: not on disk yet
await sim.settle(); // virtual time passes; the write-back drains the dirty blobs
log("after settle:", await content.stats()); // dirty 0
