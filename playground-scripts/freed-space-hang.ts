// flux-model.md §11.6, observed on flux-core 0.88: freeing space does not heal a running
// instance. The failed write-back stays dirty on no list (nothing retries it unless the same
// bytes are stored again); flush keeps failing with the remembered errno until some store
// succeeds, and from then on a flush waits until another write-back fails, normally forever.
scenario({ title: "Freeing space does not heal a running instance", disk: "4 MiB" });

await flux.start();
await kvs.put("a", 1);
await kvs.put("b", 2, { sync: true });
const filler = disk.fill();
await kvs.put("big", bytes(100_000)); // succeeds: cached
await sim.settle();
const dirty = (await content.stats()).dirty;
expect(dirty).toBeGreaterThan(0);

disk.remove(filler); // space is back...
await expect(content.flush()).rejects.toThrow("content.flush: No space left on device"); // ...but flush still fails
expect((await content.stats()).dirty).toBe(dirty);

// a synced commit now never returns: its flush waits for the stranded blobs
let syncDone = false;
const sync = kvs.put("d", 4, { sync: true }).finally(() => (syncDone = true));
await sim.advance(60_000);
expect(syncDone).toBe(false);

// commits queue behind the stuck one; reads still work
let putDone = false;
const put = kvs.put("e", 5).finally(() => (putDone = true));
await sim.advance(60_000);
expect(putDone).toBe(false);
expect(await kvs.get("a")).toBe(1);

// only a restart heals it, losing what came after the last good checkpoint
flux.crash();
await expect(sync).rejects.toThrow("ECONNRESET");
await expect(put).rejects.toThrow("ECONNRESET");
await flux.start();
expect(await kvs.get("b")).toBe(2);
for (const lost of ["d", "e", "big"]) await expect(kvs.get(lost)).rejects.toThrow("ENOENT");
expect((await flux.fsck()).ok).toBe(true);
expect(await jobs.submit(1)).toBeDefined();
