// flux-core t0012-content-sqlite.t: blobs of 0 B to 1 MiB round-trip through content-sqlite,
// including after the cache is dropped and after a restart.
scenario({ title: "t0012: content-sqlite round trips", disk: "16 MiB" });

await flux.start();
const sizes = [0, 1, 64, 255, 256, 4095, 4096, 65536, 262144, 1048576];
const refs: string[] = [];
for (const size of sizes) refs.push(await content.store(bytes(size, size)));
await content.flush();
await content.dropcache();
for (const [i, size] of sizes.entries()) expect(await content.load(refs[i]!)).toEqual(bytes(size, size));

const stats = await flux.stats("content-sqlite");
expect(stats.object_count).toBeGreaterThanOrEqual(sizes.length);

// storing the same blob again is not an error and is still one row (0.87+ marks it dirty again and refreshes its GC epoch)
expect(await content.store(bytes(4096, 4096))).toBe(refs[6]);
await content.flush();

await flux.shutdown();
await flux.start();
for (const [i, size] of sizes.entries()) expect(await content.load(refs[i]!)).toEqual(bytes(size, size));
