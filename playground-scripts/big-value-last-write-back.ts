// flux-model.md §13 C, measured on flux-core 0.88: a 2 MiB statedir with 64 KiB left, then a
// 300,000-byte put. The kvs hands the commit's blobs to the content cache root first and the
// big value last (kvstxn.c pushes each new blob to the front of its list), so the big value's
// ENOSPC is the commit's last write-back and stays remembered: `flux content flush` fails at once.
// Restarted with space, the instance recovers the last good checkpoint and fsck is clean.
scenario({ title: "A big value is its commit's last write-back", disk: "2 MiB" });

await flux.start();
await kvs.put("keep", "safe", { sync: true });
const filler = disk.fill(disk.free - 64 * 1024);

await kvs.put("big", bytes(300_000)); // succeeds: cached
await sim.settle();
expect(flux.dmesg({ level: "crit" })).toHaveLength(1);
expect(flux.dmesg({ level: "crit" })[0]).toContain("content.crit[0]: content store: No space left on device");
expect(flux.dmesg({ source: "content-sqlite", level: "err" })).toHaveLength(1);
expect((await content.stats()).dirty).toBe(1); // only the big value: the root went first and was written

// the commit's own directories were written before the big value, so the errno is still remembered
await expect(content.flush()).rejects.toThrow("content.flush: No space left on device");

// Real Flux's rc3 then fails at once and `flux start` exits 1. Here rc3 waits in the resource
// module's synced drain checkpoint: rc3's writes before it (job-manager's state, the checkpoint's
// own blobs) fit in the WAL frames the failed write left behind, and their success clears the
// remembered errno (README, Known differences).
const shutdown = flux.shutdown();
await sim.advance(15_000);
expect(flux.state).toBe("rc3");
expect((await flux.stats("kvs")).namespace.primary["#readytransactions"]).toBe(2); // the drain checkpoint, and the finish event behind it
flux.crash();
expect((await shutdown).exitCode).toBe(1);

disk.remove(filler);
await flux.start();
expect(await kvs.get("keep")).toBe("safe");
await expect(kvs.get("big")).rejects.toThrow("big: No such file or directory");
expect((await flux.fsck()).ok).toBe(true);
expect(flux.dmesg("restored KVS from checkpoint")).toHaveLength(1);
