// The ENOSPC story of flux-model.md §11, on a 4 MiB statedir.
scenario({ title: "A full statedir under upstream Flux", disk: "4 MiB", policy: "upstream" });

await flux.start();
await kvs.put("a", 1);
await kvs.put("b", 2, { sync: true });
log("checkpoints before the fill:", (await flux.checkpoints()).map((c) => c.sequence));

const filler = disk.fill(); // another consumer takes all free space
log(`disk: ${disk.used} of ${disk.quota} bytes used`);

// A commit still succeeds: its blobs are cached, not on disk.
await kvs.put("big", bytes(100_000));
await sim.settle();
expect((await content.stats()).dirty).toBeGreaterThan(0);
log(flux.dmesg({ level: "crit" }).at(-1));

await expect(content.flush()).rejects.toThrow("content.flush: No space left on device");
await expect(kvs.put("c", 3, { sync: true })).rejects.toThrow("flux_kvs_commit: No space left on device");
await expect(kvs.get("c")).rejects.toThrow("ENOENT");

const result = await flux.shutdown();
log("flux start exits", result.exitCode, result.errors);
expect(result.exitCode).toBe(1);

disk.remove(filler);
await flux.start();
expect(await kvs.get("a")).toBe(1);
expect(await kvs.get("b")).toBe(2);
await expect(kvs.get("big")).rejects.toThrow("ENOENT");
expect((await flux.fsck()).ok).toBe(true);
