// The same story as dangling-checkpoint-flux-0.66.ts under flux-core 0.88: the checkpoint
// is only written after a successful flush (#6240, #6260), so it never names a missing
// blob. The kvs unload waits on that flush; after the restart the last good
// checkpoint is restored, fsck is clean, and only what came after it is lost.
scenario({ title: "Safe checkpoint (upstream)", policy: "upstream", disk: "2 MiB" });

await flux.start();
await kvs.put("a", "safe", { sync: true });
await sim.settle();
const good = (await flux.checkpoints())[0]!;

const filler = disk.fill(disk.free - 64 * 1024);
await kvs.put("big", bytes(200_000));
await sim.settle();
expect(flux.dmesg("content store: No space left on device").length).toBeGreaterThan(0);

const shutdown = flux.shutdown();
await sim.advance(1000);
expect(flux.state).toBe("rc3");
expect((await flux.checkpoints())[0]!.rootref).toBe(good.rootref); // nothing newer was written

flux.crash();
expect((await shutdown).exitCode).toBe(1);
disk.remove(filler);

await flux.start(); // rc1 runs fsck --repair: nothing to repair
expect(flux.dmesg({ source: "fsck", level: "err" })).toEqual([]);
expect(await kvs.get("a")).toBe("safe");
await expect(kvs.get("big")).rejects.toThrow("ENOENT"); // lost with everything after the checkpoint
expect((await flux.fsck()).ok).toBe(true);
