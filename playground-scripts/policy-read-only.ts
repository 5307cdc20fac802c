// Policy "read-only" (garlick in #6236, close to chu11's earlier "backing module failed" mode):
// on ENOSPC the backing store, the cache and the kvs go read-only in turn. Commits fail with EROFS,
// reads keep working, nothing piles up in memory. flux.readWrite(), which writes back what stayed
// dirty and checkpoints once space is free, is this playground's extension: in #6236 the way back is a restart.
scenario({ title: "Read-only propagation", policy: "read-only", disk: "2 MiB" });

await flux.start();
await kvs.put("a", "before", { sync: true });
const filler = disk.fill(disk.free - 48 * 1024);

await kvs.put("big", bytes(200_000)); // cached; its write-back fails with ENOSPC
await sim.settle();
const snapshotLines = flux.dmesg({ match: "read-only" });
expect(snapshotLines.some((l) => l.includes("content-sqlite"))).toBe(true);
expect(snapshotLines.some((l) => l.includes("content.err"))).toBe(true);

// the next commit's store is refused: the kvs goes read-only too
await expect(kvs.put("b", "refused")).rejects.toThrow("flux_kvs_commit: Read-only file system");
await expect(kvs.put("c", "refused")).rejects.toThrow("EROFS");
await expect(content.flush()).rejects.toThrow("content.flush: Read-only file system");
expect(await kvs.get("a")).toBe("before"); // reads work
expect((await kvs.get("big")) instanceof Uint8Array).toBe(true); // even the blob that never reached the disk
const dirty = (await content.stats()).dirty;
expect(dirty).toBeGreaterThan(0);

// still full: the way back fails, and everything stays read-only
await expect(flux.readWrite()).rejects.toThrow("content.flush: No space left on device");
await expect(kvs.put("d", "still refused")).rejects.toThrow("EROFS");

disk.remove(filler);
const root = await flux.readWrite(); // write back what stayed dirty, then checkpoint
expect((await content.stats()).dirty).toBe(0);
expect((await flux.checkpoints())[0]!.rootref).toBe(root.rootref);
await kvs.put("e", "works again", { sync: true });

flux.crash(); // nothing written before the read-only episode was lost
await flux.start();
expect((await kvs.get("big")) instanceof Uint8Array).toBe(true);
expect(await kvs.get("e")).toBe("works again");
expect((await flux.fsck()).ok).toBe(true);
