// Issue 18: a value's blob is deleted while the system instance is down (and there is no RESTORE). rc1's
// `flux fsck --repair` repairs it, which fails the start (exit 42, not restarted), and rc1 removes content.dump
// so rc3 writes no dump. The next start's fsck passes; the key is gone and lost+found.<key> holds an empty value.
scenario({ title: "System instance: a repairing fsck in rc1", instance: "system" });

await flux.start();
await kvs.put("kept", "fine");
await kvs.put("victim", bytes(10_000, 5), { sync: true });
flux.crash(); // no clean stop, so no dump: the next start takes the fsck path
await sim.advance(30_000); // Restart=always, RestartSec=30s
expect(flux.dmesg({ source: "systemd" }).at(-1)).toContain("restarted after 30 s");
await sim.settle();
expect(flux.state).toBe("run");
await flux.shutdown();
disk.remove("dump/RESTORE"); // the admin wants the fsck path
await disk.removeBlob("victim");
const dumps = disk.files().filter((f) => f.name.endsWith(".tgz")).length;

await sim.advance(60_000);
await expect(flux.start()).rejects.toThrow("rc1.0: fsck: bash: exited with exit status 1");
expect(flux.exitCode).toBe(42);
expect(flux.dmesg("rc1.0: flux-fsck: victim: missing blobref(s)")).toHaveLength(1);
expect(flux.dmesg("rc1.0: flux-fsck: Total errors: 1")).toHaveLength(1);
expect(flux.dmesg("rc1.0: flux-fsck: Total repairs: 1")).toHaveLength(1);
expect(disk.files().filter((f) => f.name.endsWith(".tgz")).length).toBe(dumps); // no dump of a damaged store

await sim.advance(60_000);
await flux.start();
expect(await kvs.get("lost+found.victim")).toBe("");
await expect(kvs.get("victim")).rejects.toThrow("ENOENT");
expect(await kvs.get("kept")).toBe("fine");
log(...(await flux.startlog()));
