// An I/O error is not a full disk: one write of the WAL fails with EIO. SQLite says "disk I/O
// error" and content-sqlite maps it to EIO. As with ENOSPC, the failed blob stays dirty on no list;
// the next successful store clears the remembered errno, so a flush then waits for that blob until
// the same bytes are stored again (cache.c's dedup path re-sends it). The commit's first write-back
// is its new root directory (the kvs stores root first, the value last), so the root is stranded.
scenario({ title: "A flaky disk (EIO once)" });

await flux.start();
await kvs.put("a", 1, { sync: true });
disk.failNextWrite("EIO", "content.sqlite");
const value = bytes(10_000, 7);
const { rootref } = await kvs.put("v", value);
await sim.settle();
expect(flux.dmesg({ source: "content-sqlite", level: "err" }).at(-1)).toMatch(/disk I\/O error\(10\)/);
expect(flux.dmesg({ source: "content", level: "crit" }).at(-1)).toMatch(/content store: Input\/output error/);

let flushed = false;
const flush = content.flush().then(() => (flushed = true));
await sim.advance(10_000);
expect(flushed).toBe(false); // waiting for the stranded blob
await content.store(await content.load(rootref)); // storing the same bytes again re-sends it
await flush;
await kvs.sync();
flux.crash();
await flux.start();
expect(await kvs.get("v")).toEqual(value);
