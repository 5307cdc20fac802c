// Lesson 1: the stack. Put two keys, then find them in the hash tree, the cache and the database.
scenario({ title: "Lesson 1: the stack" });

await flux.start();
await kvs.put("greeting", "hello, flux"); // small: stored inside its directory
await kvs.put("photo", bytes(50_000)); // large: a blob of its own

// the hash tree's root is a blob too: a JSON directory, named by the hash of its bytes
const root = await kvs.getroot();
log(`root sequence ${root.sequence} is blob ${root.rootref}`);
const blob = await content.load(root.rootref);
log(new TextDecoder().decode(blob)); // greeting: "val" (inline); photo: "valref" (a blobref)

log("cache:", await content.stats()); // photo's blob is still dirty: cached, not yet in the database
await content.flush(); // write back every dirty blob
log("cache after flush:", await content.stats());
log("database:", await flux.stats("content-sqlite"));

expect(await kvs.get("greeting")).toBe("hello, flux");
