// Policy "fail-hard" (garlick, after talking with kkier, in #6236): the first ENOSPC takes the
// instance down at once (here exit code 1; a system instance would need exit 42, or systemd
// restarts it every 30 s); started again by hand once space is free, it recovers the last good checkpoint.
scenario({ title: "Fail hard on ENOSPC", policy: "fail-hard", disk: "2 MiB" });

await flux.start();
await kvs.put("a", "checkpointed", { sync: true });
await kvs.put("b", "cached only");
const filler = disk.fill(disk.free - 32 * 1024);

const big = kvs.put("big", bytes(200_000)); // answered once cached...
await big;
await sim.settle(); // ...then its write-back fails and the instance goes down
expect(flux.state).toBe("failed");
expect(flux.exitCode).toBe(1);
expect(flux.dmesg({ source: "broker", level: "crit" }).join("\n")).toContain("fail-hard: content-sqlite: No space left on device");
await expect(kvs.get("a")).rejects.toThrow("ECONNREFUSED");

// a start while the disk is still full fails; freeing space lets it recover by itself
await expect(flux.start()).rejects.toThrow("Input/output error");
disk.remove(filler);
await flux.start();
expect(await kvs.get("a")).toBe("checkpointed");
for (const lost of ["b", "big"]) await expect(kvs.get(lost)).rejects.toThrow("ENOENT");
expect((await flux.fsck()).ok).toBe(true);
