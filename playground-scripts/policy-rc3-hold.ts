// Policy "rc3-hold" (garlick in #6236, assuming the read-only mode): shutdown holds in rc3, before
// the kvs unloads, while the flush fails for lack of space. Freeing space lets rc3 flush (re-sending
// the failed writes), checkpoint and finish. (systemd kills a stop that takes over 90 s.)
scenario({ title: "Hold rc3 until there is space", policy: "rc3-hold", disk: "2 MiB" });

await flux.start();
await kvs.put("a", 1, { sync: true });
const filler = disk.fill(disk.free - 32 * 1024);
await kvs.put("big", bytes(200_000));
await sim.settle();

const shutdown = flux.shutdown(); // calls may be in flight together
await sim.advance(5_000);
expect(flux.state).toBe("hold");
expect(flux.dmesg("hold:").join("\n")).toContain("waiting for 262144 bytes free");

disk.remove(filler);
const { exitCode, errors } = await shutdown;
expect(exitCode).toBe(0);
expect(errors).toEqual([]);

await flux.start();
expect(await kvs.get("a")).toBe(1);
expect(((await kvs.get("big")) as Uint8Array).length).toBe(200_000);
expect((await flux.fsck()).ok).toBe(true);
