// A broker crash (kill -9, OOM): memory is gone, the statedir keeps exactly what was written.
// The next start restores the last checkpoint that reached the database; unsynced commits are
// lost. (Not a power loss: with synchronous=NORMAL, SQLite may also lose its newest transactions then.)
scenario({ title: "Crash recovery" });

await flux.start();
await kvs.put("synced", "kept", { sync: true });
const txn = kvs.txn().put("t.one", 1).put("t.two", [2, 2]).mkdir("t.empty");
await kvs.commit(txn, { sync: true });
await kvs.put("unsynced", "lost");
await sim.settle(); // its blobs even reach the disk; no checkpoint names them
expect((await content.stats()).dirty).toBe(0);

flux.crash();
expect(flux.state).toBe("down");
await expect(kvs.get("synced")).rejects.toThrow("ECONNREFUSED");

await flux.start();
expect(flux.dmesg("Flux was not shut down properly")).toHaveLength(1);
expect(await kvs.get("synced")).toBe("kept");
expect(await kvs.get("t.two")).toEqual([2, 2]);
expect(await kvs.ls("t")).toEqual(["empty", "one", "two"]);
await expect(kvs.get("unsynced")).rejects.toThrow("ENOENT");
expect((await flux.fsck()).ok).toBe(true);

// a crash in the middle of a synced commit: the caller never hears back
const pending = kvs.put("in-flight", 1, { sync: true });
flux.crash();
await expect(pending).rejects.toThrow("ECONNRESET");
await flux.start();
expect(await kvs.get("synced")).toBe("kept");
