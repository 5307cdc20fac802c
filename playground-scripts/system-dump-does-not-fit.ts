// Issue 18: a dump that does not fit (8 MiB, a 3 MB value, 1 MiB free, the instance healthy). rc3's flux dump
// meets a full disk: "flux-dump: Write error", rc3 fails, exit 42; left: a partial .tgz, no RESTORE, 0 bytes
// free. The next start fails in rc1 (exit 42) and its rc3 still leaves an empty .tgz. Once the fill is gone the
// start takes the fsck path and every key is back; its next stop leaves another partial dump and a full disk.
scenario({ title: "System instance: the dump does not fit", instance: "system", disk: "8 MiB" });

await flux.start();
await kvs.put("big", bytes(3_000_000, 2), { sync: true });
const fill = disk.fill(disk.free - 1024 * 1024);
expect(disk.free).toBe(1024 * 1024);

const stop = await flux.shutdown();
expect(stop.exitCode).toBe(42);
expect(flux.dmesg("rc3.0: flux-dump: Write error")).toHaveLength(1);
expect(flux.dmesg("rc3.0: content-dump: bash: exited with exit status 1")).toHaveLength(1);
const partial = disk.files().find((f) => f.name === "dump/20261124_000000.tgz")!;
log(`partial dump: ${partial.bytes} bytes (issue 18 measured 917,504)`);
expect(partial.bytes).toBeGreaterThan(512 * 1024);
expect(disk.files().some((f) => f.name === "dump/RESTORE")).toBe(false);
expect(disk.free).toBe(0);

await sim.advance(600_000); // systemd leaves it down; an admin tries ten minutes later
await expect(flux.start()).rejects.toThrow("rc1.0: content-sqlite: [Errno 5] Input/output error");
expect(flux.exitCode).toBe(42);
expect(disk.files().find((f) => f.name === "dump/20261124_001000.tgz")!.bytes).toBe(0); // rc3's dump after the failed start

disk.remove(fill);
await sim.advance(600_000);
await flux.start();
expect(flux.dmesg(/rc1\.0: Checking integrity of checkpoint from/)).toHaveLength(1); // no RESTORE: the fsck path
expect(await kvs.get("big")).toEqual(bytes(3_000_000, 2));
disk.fill(disk.free - 1024 * 1024); // the same fill again
await flux.shutdown();
expect(disk.free).toBe(0); // another partial dump, and the disk is full again
expect(disk.files().filter((f) => f.name.endsWith(".tgz"))).toHaveLength(3);
