// flux-core t0011-content-cache.t: the rank-0 cache without and with a backing store,
// the blob size limit, and malformed requests.
scenario({ title: "t0011: content cache", policy: { preset: "upstream", blobSizeLimit: 1024 * 1024 } });

await flux.start();
await flux.moduleRemove("content-sqlite");

// flush with no backing store fails ENOSYS
await expect(content.flush()).rejects.toThrow("ENOSYS");

// stores are dirty and valid on rank 0 until a backing store drains them
const before = await content.stats();
const ref = await content.store("some data");
expect(ref).toMatch(/^sha1-[0-9a-f]{40}$/);
const stored = await content.stats();
expect(stored.dirty).toBe(before.dirty + 1);
expect(stored.valid).toBe(before.valid + 1);
expect(new TextDecoder().decode(await content.load(ref))).toBe("some data");

await flux.moduleLoad("content-sqlite");
await sim.settle();
expect((await content.stats()).dirty).toBe(0);
await content.flush();

// a blob over the size limit is refused
await expect(content.store(bytes(1024 * 1024 + 1))).rejects.toThrow("EFBIG");
// a load with an empty payload (not a blobref) fails EPROTO
await expect(content.load("")).rejects.toThrow("EPROTO");
// loading a blob nobody stored: ENOENT
await expect(content.load("sha1-0000000000000000000000000000000000000000")).rejects.toThrow("ENOENT");

// dropcache drops clean entries and keeps dirty ones
await flux.moduleRemove("content-sqlite");
const kept = await content.store("dirty while no backing store");
await content.dropcache();
const dropped = await content.stats();
expect(dropped.dirty).toBe(1);
expect(dropped.count).toBe(1);
expect(new TextDecoder().decode(await content.load(kept))).toBe("dirty while no backing store");
await flux.moduleLoad("content-sqlite");
await content.flush();
expect((await content.stats()).dirty).toBe(0);
