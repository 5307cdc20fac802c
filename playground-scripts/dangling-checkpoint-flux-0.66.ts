// The fear of the ENOSPC discussion (#6236), under flux-core 0.66: the kvs writes its
// unload checkpoint without flushing first, so the checkpoint can name a blob that
// never reached the disk. After a restart the key is there but its data is gone.
scenario({ title: "Dangling checkpoint (flux-0.66)", policy: "flux-0.66", disk: "2 MiB" });

await flux.start();
await kvs.put("a", "safe", { sync: true });
await sim.settle();

const filler = disk.fill(disk.free - 128 * 1024); // leave 128 KiB: rc3's small writes fit, a 200 kB value does not
await kvs.put("big", bytes(200_000)); // answered: the blobs are cached
await sim.settle();
expect(flux.dmesg("content store: No space left on device").length).toBeGreaterThan(0);

// rc3: the unload checkpoint is written (it fits), then content-flush waits forever
// for the stranded blob: a small store succeeded after the failure and cleared the errno.
const shutdown = flux.shutdown();
await sim.advance(1000);
expect(flux.state).toBe("rc3");
const newest = (await flux.checkpoints())[0]!;
log(`checkpoint ${newest.sequence} names ${newest.rootref}`);

flux.crash(); // the admin kills the hung instance
expect((await shutdown).exitCode).toBe(1);
disk.remove(filler);

await flux.start(); // 0.66 runs no fsck at start
expect((await kvs.getroot()).sequence).toBe(newest.sequence + 4); // restored the dangling checkpoint (+ rc1's resource.R, resource.eventlog, start event, resource-define)
expect(await kvs.get("a")).toBe("safe");
await expect(kvs.get("big")).rejects.toThrow("ENOENT"); // the key exists, its blob does not
const report = await flux.fsck({ rootref: newest.rootref });
expect(report.ok).toBe(false);
expect(report.missing.map((m) => m.key)).toEqual(["big"]);
log("fsck:", report.missing);
