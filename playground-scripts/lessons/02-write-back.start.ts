// Lesson 2: write-back. A commit answers once its blobs are cached; the cache writes them to disk afterwards.
scenario({ title: "Lesson 2: write-back" });

await flux.start();
await kvs.put("data", bytes(300_000)); // answers when the blobs are in the cache
await sim.settle(); // let virtual time pass until the write-back is done
log("after settle:", await content.stats());

// Move the content.stats() line to right after the put, before sim.settle(), and log it
// again after sim.settle(): how many blobs were dirty when the commit had already answered?
