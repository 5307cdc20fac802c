// flux-model.md §11.9: starting while the statedir is still full fails at once, because
// SQLite needs room for the WAL index to recover the database. Once space is freed,
// the next start works and restores the last good checkpoint.
scenario({ title: "Starting on a full disk", disk: "4 MiB" });

await flux.start();
await kvs.put("a", "before", { sync: true });
const filler = disk.fill();
await kvs.put("b", bytes(50_000));
const { exitCode } = await flux.shutdown(); // rc3 fails: no room for the final checkpoint
expect(exitCode).toBe(1);

await expect(flux.start()).rejects.toThrow("rc1.0: content-sqlite: [Errno 5] Input/output error");
expect(flux.state).toBe("failed");
expect(flux.exitCode).toBe(1); // `flux start` exits 1 after a failed rc1 (issue 18), never null
expect(flux.dmesg({ source: "content-sqlite", level: "err" }).at(-2)).toMatch(/disk I\/O error/);
// the module exits with the errno its refused write left, rc1 reports the load's EIO (issue 18 measured both)
expect(flux.dmesg({ source: "content-sqlite" }).at(-1)).toMatch(/crit\[0\]: module exiting abnormally$/);
expect(flux.dmesg({ source: "broker", match: "content-sqlite: No space left on device" })).toHaveLength(1);

disk.remove(filler);
await flux.start();
expect(await kvs.get("a")).toBe("before");
await expect(kvs.get("b")).rejects.toThrow("ENOENT");
