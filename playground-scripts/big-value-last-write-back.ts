// flux-model.md §13 C, measured on flux-core 0.88: a 2 MiB statedir with 64 KiB left, then a
// 300,000-byte put. The kvs hands the commit's blobs to the content cache root first and the
// big value last (kvstxn.c pushes each new blob to the front of its list), so the big value's
// ENOSPC is the commit's last write-back and stays remembered: `flux content flush` fails at once.
// Shut down with the disk still full, rc3 fails at once and `flux start` exits 1. Restarted with
// space, the instance recovers the last good checkpoint and fsck is clean.
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

// rc3 fails at once, as in Flux: the finish event and job-manager's state are written back into
// the WAL frames the failed write left behind, so the resource module's synced drain checkpoint
// finds no room: its own write-back fails while its flush waits, and the kvs's unload
// checkpoint fails the same way.
const { exitCode } = await flux.shutdown();
expect(exitCode).toBe(1);
const errors = flux.dmesg({ level: "err" });
const drain = errors.findIndex((line) => line.includes("resource.err[0]: failed to checkpoint drain state: No space left on device"));
const unload = errors.findIndex((line) => line.includes("kvs.err[0]: error saving primary KVS checkpoint: No space left on device"));
expect(drain >= 0 && unload > drain).toBe(true); // in Flux's order
expect(flux.dmesg("rc3.0: content-flush: [Errno 28] No space left on device")).toHaveLength(1);
expect(flux.dmesg("flux modprobe rc3 Exited (rc=1)")).toHaveLength(1);

disk.remove(filler);
await flux.start();
expect(await kvs.get("keep")).toBe("safe");
await expect(kvs.get("big")).rejects.toThrow("big: No such file or directory");
expect((await flux.fsck()).ok).toBe(true);
expect(flux.dmesg("restored KVS from checkpoint")).toHaveLength(1);
// as listed by `flux content checkpoint list` on the real instance: the start event's at the restart
// (after resource.R and the rewritten resource.eventlog), the synced put's, the first start's
expect((await flux.checkpoints()).map((c) => c.sequence)).toEqual([7, 4, 1]);
