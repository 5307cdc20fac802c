// Lesson 2: write-back. When does a commit answer, and when are its blobs on disk?
scenario({ title: "Lesson 2: write-back" });

await flux.start();
await kvs.put("data", bytes(300_000));
await sim.settle(); // let virtual time pass until nothing is left to do
log("after settle:", await content.stats());

// Add a content.stats() reading right after the put, before sim.settle(), and keep the one after
// sim.settle(): how many blobs were dirty when the commit had already answered?
