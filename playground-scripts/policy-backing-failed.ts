// chu11's "backing module failed" mode (#6236, before the read-only idea): "the content cache can go into [a]
// 'backing module failed' mode under ENOSPC. So subsequent store attempts return an error. This could possibly be a
// module config option (i.e. enabled just for system instance)." As knobs: cacheReadOnly alone. At the first failed
// write-back the cache stops writing back and refuses every later store with EROFS, so the kvs commit that needs one
// fails at once, while content-sqlite and the kvs keep no flag of their own. Not a Flux release.
scenario({
  title: "Backing module failed mode (#6236)",
  disk: "4 MiB",
  policy: { preset: "upstream", cacheReadOnly: true, cacheRetriesFailedWrites: true },
});

await flux.start();
await kvs.put("keep", "safe", { sync: true });
const filler = disk.fill(disk.free - 64 * 1024);
await kvs.put("big", bytes(300_000)); // answered once cached; its write-back fails
await sim.settle();
expect(flux.dmesg({ source: "content", level: "err" }).join("\n")).toContain("write-back stopped, stores fail with EROFS");

// every writer now fails at once, synced or not, jobs too; what is cached or on disk can still be read
await expect(kvs.put("plain", 1)).rejects.toThrow("Read-only file system");
await expect(jobs.submit(1)).rejects.toThrow("Read-only file system");
expect(await kvs.get("keep")).toBe("safe");

// freeing space alone changes nothing: the mode is left by an admin (flux.readWrite(), or a restart)
disk.remove(filler);
await expect(kvs.put("after", 1, { sync: true })).rejects.toThrow("Read-only file system");
await flux.readWrite(); // re-sends the failed write-back, then accepts stores again
await kvs.put("after", 2, { sync: true });
expect((await flux.shutdown()).exitCode).toBe(0);
await flux.start();
expect(await kvs.get("big")).toHaveLength(300_000);
expect(await kvs.get("after")).toBe(2);
