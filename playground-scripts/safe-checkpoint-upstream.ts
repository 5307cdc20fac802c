// The same story as dangling-checkpoint-flux-0.66.ts under flux-core 0.88: the checkpoint
// is only written after a successful flush (content.checkpoint-put flushes first since 0.77,
// #6260), so it never names a missing blob. The unload checkpoint's flush fails (rc3's small writes used up the room the failed
// write left), so nothing is checkpointed and `flux start` exits 1; after the restart the
// last good checkpoint is restored, fsck is clean, and only what came after it is lost.
scenario({ title: "Safe checkpoint (upstream)", policy: "upstream", disk: "2 MiB" });

await flux.start();
await kvs.put("a", "safe", { sync: true });
await sim.settle();
const good = (await flux.checkpoints())[0]!;

const filler = disk.fill(disk.free - 64 * 1024);
await kvs.put("big", bytes(200_000));
await sim.settle();
expect(flux.dmesg("content store: No space left on device").length).toBeGreaterThan(0);

expect((await flux.shutdown()).exitCode).toBe(1);
expect(flux.dmesg("error saving primary KVS checkpoint: No space left on device")).toHaveLength(1);
disk.remove(filler); // (reading the checkpoints of a stopped instance needs some free space too)
expect((await flux.checkpoints())[0]!.rootref).toBe(good.rootref); // nothing newer was written

await flux.start(); // rc1 runs fsck --repair: nothing to repair
expect(flux.dmesg({ source: "fsck", level: "err" })).toEqual([]);
expect(await kvs.get("a")).toBe("safe");
await expect(kvs.get("big")).rejects.toThrow("ENOENT"); // lost with everything after the checkpoint
expect((await flux.fsck()).ok).toBe(true);
