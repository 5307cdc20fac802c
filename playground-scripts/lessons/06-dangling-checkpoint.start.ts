// Lesson 6: the dangling checkpoint, under flux-core 0.66 (Sep 2024).
scenario({ title: "Lesson 6: the dangling checkpoint", policy: "flux-0.66", disk: "2 MiB" });

await flux.start();
await kvs.put("a", "safe", { sync: true });
await sim.settle();

const filler = disk.fill(); // all free space: not even a checkpoint fits
await kvs.put("big", bytes(200_000)); // cached; its write-back fails
await sim.settle();

const shutdown = flux.shutdown(); // rc3: the kvs unloads and writes its checkpoint
await sim.advance(1000);
if (flux.state !== "down") flux.crash(); // the admin kills a shutdown that hangs
log("flux start exits", (await shutdown).exitCode);

disk.remove(filler); // (reading the checkpoints of a stopped instance needs some free space too)
log("newest checkpoint: sequence", (await flux.checkpoints())[0]?.sequence);
await flux.start(); // 0.66 runs no fsck at start
log("big →", await kvs.get("big").then(() => "ok", (e: Error) => e.message));

// 1. Leave 64 KiB free instead: disk.fill(disk.free - 64 * 1024). A 200 kB value does not fit, a checkpoint does.
// 2. After the restart, run flux.fsck() and log what it reports missing.
