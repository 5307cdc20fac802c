// Issue 18: the disk fills while the system instance runs, then it is stopped. content-flush fails in rc3, so
// no dump is attempted; exit 42. After space is freed the start runs fsck, says the instance was not shut down
// properly, and only what was synced is back.
scenario({ title: "System instance: full while running, then a stop", instance: "system", disk: "4 MiB" });

await flux.start();
await kvs.put("synced", "safe", { sync: true });
const fill = disk.fill();
await kvs.put("unsynced", bytes(50_000, 3));
const { exitCode } = await flux.shutdown();
expect(exitCode).toBe(42);
expect(flux.dmesg("rc3.0: content-flush: [Errno 28] No space left on device")).toHaveLength(1);
expect(flux.dmesg("dumping content")).toEqual([]);
expect(disk.files().filter((f) => f.name.startsWith("dump/"))).toEqual([]);

disk.remove(fill);
await sim.advance(60_000);
await flux.start();
expect(flux.dmesg("rc1.0: Checking integrity of checkpoint")).toHaveLength(1);
expect(flux.dmesg("Flux was not shut down properly")).toHaveLength(1);
expect(await kvs.get("synced")).toBe("safe");
await expect(kvs.get("unsynced")).rejects.toThrow("ENOENT");
