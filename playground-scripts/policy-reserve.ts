// Policy "reserve-file" (an idea of this playground, not flux-core's: it was called "reserve"):
// content-sqlite keeps a reserve file in the statedir and deletes it at the first ENOSPC, retrying
// the write: nothing fails yet, and an admin who sees the warning has room to react. PR #6217
// (chu11, never merged) reserved free pages inside content.sqlite instead and, on ENOSPC, turned
// journaling off and retried; that space never goes back to the filesystem.
scenario({ title: "Reserve file", policy: "reserve-file", disk: "2 MiB" });

await flux.start();
expect(disk.files().find((f) => f.name === "content.reserve")?.bytes).toBe(256 * 1024);
await kvs.put("a", 1, { sync: true });
disk.fill(); // the other consumer takes everything but the reserve

await kvs.put("big", bytes(100_000)); // its write-back meets ENOSPC, takes the reserve, succeeds
await sim.settle();
expect(flux.dmesg("released 262144 bytes of reserved space").length).toBe(1);
expect(disk.files().some((f) => f.name === "content.reserve")).toBe(false);
expect(flux.dmesg({ level: "crit" })).toEqual([]); // no write-back failed
await kvs.sync(); // flush and checkpoint still work

await kvs.put("bigger", bytes(300_000)); // the reserve is spent: now ENOSPC is real
await sim.settle();
expect(flux.dmesg("content store: No space left on device").length).toBeGreaterThan(0);
flux.crash();
await expect(flux.start()).rejects.toThrow("Input/output error");
