// Issue 18: a clean stop leaves a dump and RESTORE; then the disk fills while Flux is down. The start truncates
// content.sqlite and the restore fails ("flux-restore: error updating checkpoint: error flushing content"),
// exit 42: the old database is gone and RESTORE stays, so the dump is the only copy. After space is freed the
// next start restores everything.
scenario({ title: "System instance: a restore on a full disk", instance: "system", disk: "8 MiB" });

await flux.start();
await kvs.put("a", "inline");
await kvs.put("big", bytes(2_000_000, 4));
await flux.shutdown();
const db = disk.files().find((f) => f.name === "content.sqlite")!.bytes;
const fill = disk.fill();

await sim.advance(60_000);
await expect(flux.start()).rejects.toThrow("rc1.0: restore: bash: exited with exit status 1");
expect(flux.exitCode).toBe(42);
expect(flux.dmesg("rc1.0: flux-restore: error updating checkpoint: error flushing content")).toHaveLength(1);
expect(disk.files().find((f) => f.name === "content.sqlite")!.bytes).toBeLessThan(db); // truncated
expect(disk.files().find((f) => f.name === "dump/RESTORE")?.link).toBe("20261124_000000.tgz");

disk.remove(fill);
await sim.advance(60_000);
await flux.start();
expect(await kvs.get("big")).toEqual(bytes(2_000_000, 4));
expect(await kvs.get("a")).toBe("inline");
expect(disk.files().some((f) => f.name === "dump/RESTORE")).toBe(false);
