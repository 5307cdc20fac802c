// Policy "separate-checkpoint-db" (chu11 in #6236): checkpoints live in their own preallocated
// database with journaling off, so one can be written when the main database cannot grow. The
// playground's addition (from chu11's tentative "last valid rootref" question): when the unload
// checkpoint cannot flush, the kvs checkpoints the newest root that is all on disk.
scenario({ title: "A separate checkpoint database", policy: "separate-checkpoint-db", disk: "2 MiB" });

await flux.start();
expect(disk.files().find((f) => f.name === "checkpoint.sqlite")?.owner).toBe("checkpoint-db");
await kvs.put("a", "synced", { sync: true });
await kvs.put("b", "on disk, never checkpointed");
await sim.settle();
const onDisk = await kvs.getroot();

const filler = disk.fill(); // 100% full: not even a checkpoint row could be added to the main database
await kvs.put("big", bytes(200_000));
await sim.settle();
const { exitCode } = await flux.shutdown(); // the flush still fails: rc3 fails, but...
expect(exitCode).toBe(1);
expect(flux.dmesg("newest root that is all on disk").length).toBe(1);

disk.remove(filler); // (SQLite needs some room even to open the database and read the list)
const newest = (await flux.checkpoints())[0]!; // ...the checkpoint names the newest safe root
expect(newest.rootref).toBe(onDisk.rootref);
expect(newest.sequence).toBe(onDisk.sequence);
expect((await flux.fsck()).ok).toBe(true);
