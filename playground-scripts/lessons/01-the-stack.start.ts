// Lesson 1: the stack. Put two keys, then find them in the hash tree, the cache and the database.
scenario({ title: "Lesson 1: the stack" });

await flux.start();
await kvs.put("greeting", "hello, flux"); // small: stored inside its directory
await kvs.put("photo", bytes(50_000)); // large: a blob of its own
log("put greeting and photo");

// 1. Ask the kvs for its root: const root = await kvs.getroot(); then log(root.rootref)
// 2. Load that blob from the content cache by its blobref: const blob = await content.load(root.rootref)
//    and print it as text: log(new TextDecoder().decode(blob))
// 3. See what is dirty, write it all to the database, look again:
//    log(await content.stats()); await content.flush(); log(await content.stats());
// 4. Read a key back: await kvs.get("greeting")
