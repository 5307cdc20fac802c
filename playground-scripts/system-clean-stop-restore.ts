// Issue 18: a site's instance under systemd. A clean stop (flux shutdown) exits 42, which systemd leaves down,
// and rc3 dumps the KVS into the statedir: dump/<YYYYMMDD_HHMMSS>.tgz and a RESTORE link to it. The next start
// restores from it into a new content.sqlite, runs no fsck, removes RESTORE and keeps the .tgz.
scenario({ title: "System instance: clean stop, dump and restore", instance: "system" });

await flux.start();
await kvs.put("greeting", "hello");
await kvs.put("photo", bytes(200_000, 1));
const { exitCode } = await flux.shutdown();
expect(exitCode).toBe(42); // broker.exit-norestart=42: systemd does not restart it
expect(flux.dmesg({ source: "systemd" }).at(-1)).toContain("exit 42: not restarted");
expect(flux.dmesg("rc3.0: dumping content to /var/lib/flux/dump/20261124_000000.tgz")).toHaveLength(1);
const link = disk.files().find((f) => f.name === "dump/RESTORE");
expect(link?.link).toBe("20261124_000000.tgz");
expect(disk.files().find((f) => f.name === "dump/20261124_000000.tgz")!.bytes).toBeGreaterThan(200_000); // random bytes do not compress

await sim.advance(3_600_000); // an admin starts it an hour later
await flux.start();
expect(flux.dmesg("rc1.0: restoring content from /var/lib/flux/dump/20261124_000000.tgz")).toHaveLength(1);
expect(flux.dmesg("Checking integrity")).toEqual([]); // no fsck after a restore
expect(await kvs.get("greeting")).toBe("hello");
expect(await kvs.get("photo")).toEqual(bytes(200_000, 1));
expect(disk.files().map((f) => f.name).filter((n) => n.startsWith("dump/"))).toEqual(["dump/20261124_000000.tgz"]);
expect((await flux.checkpoints()).at(-1)!.sequence).toBe(0); // the history is only what this start wrote
