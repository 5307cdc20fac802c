// "content-sqlite should just close the database after we get an ENOSPC" (garlick in #6236, who added: "I think we
// probably need to talk through what can happen next"). As knobs: backingOnEnospc "close" closes the database at the
// first ENOSPC, and the next request of any kind reopens it with content-sqlite's own open steps;
// cacheRetriesFailedWrites lets a flush re-send the write-back that failed. Not a Flux release: Flux 0.88 keeps the
// database open and tries each store again.
scenario({
  title: "Close the database on ENOSPC (#6236)",
  disk: "4 MiB",
  policy: { preset: "upstream", backingOnEnospc: "close", cacheRetriesFailedWrites: true },
});

await flux.start();
await kvs.put("keep", "safe", { sync: true });
const filler = disk.fill(disk.free - 64 * 1024);

// the big value's write-back fails: the database is closed
await kvs.put("big", bytes(300_000));
await sim.settle();
expect(flux.dmesg({ source: "content-sqlite", level: "err" }).join("\n")).toContain("after ENOSPC: the next request reopens it");

// the disk is still full, so every reopen fails, and not with ENOSPC: SQLite cannot open a database whose WAL it
// cannot map. An admin sees "Input/output error" from here on, for reads of what the cache no longer holds too.
await expect(kvs.put("after", 1, { sync: true })).rejects.toThrow("Input/output error");
await expect(flux.stats("content-sqlite")).rejects.toThrow("Input/output error");
expect(await kvs.get("keep")).toBe("safe"); // served from the cache

// freeing space heals the running instance with no restart: the next request reopens the database, the flush
// before the checkpoint re-sends the big value, and the synced commit goes through
disk.remove(filler);
await kvs.put("after", 2, { sync: true });
expect(flux.dmesg({ source: "content-sqlite", level: "info" }).join("\n")).toContain("reopened");
const stop = await flux.shutdown();
expect(stop.exitCode).toBe(0);
await flux.start();
expect(await kvs.get("big")).toHaveLength(300_000);
expect(await kvs.get("after")).toBe(2);
