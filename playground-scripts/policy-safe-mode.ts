// Policy "safe-mode" (trws and garlick in #6236: "a higher level state for the instance that would
// stop/disable queues at least"): at the first write-back that fails for lack of space the job queue
// is disabled, as `flux queue disable` does, so no new work piles up in the cache. A refused job still
// costs two KVS commits (job-ingest commits it, job-manager refuses it, job-ingest removes it), so the
// cache keeps growing, only more slowly. The admin frees space and restarts; the queue comes back enabled.
scenario({ title: "Safe mode: stop taking jobs on ENOSPC", policy: "safe-mode", disk: "4 MiB" });

await flux.start();
await kvs.put("keep", "safe", { sync: true });
const filler = disk.fill(disk.free - 256 * 1024);

// one job at a time, as a busy site submits them: those after the first ENOSPC are refused
await expect(jobs.submit(50)).rejects.toThrow("job submission is disabled: safe mode: content store: No space left on device");
expect(flux.dmesg({ source: "content", level: "err" }).join("\n")).toContain("disabling job submission");
expect(await flux.queue("status")).toEqual({ enabled: false, reason: "safe mode: content store: No space left on device" });

// a refused submission still writes: its job directory is committed, then removed
const before = (await kvs.getroot()).sequence;
await expect(jobs.submit(1)).rejects.toThrow("job submission is disabled");
await sim.settle();
expect((await kvs.getroot()).sequence).toBe(before + 2);

// the way back, as for Flux today: stop while the disk is full (rc3 fails at once: the failed write-backs
// are still dirty; stopping after freeing space would wait for them forever, flux-model.md §11.6),
// free space, start again from the last good checkpoint
const stop = await flux.shutdown();
expect(stop.exitCode).toBe(1);
disk.remove(filler);
await flux.start();
expect(await kvs.get("keep")).toBe("safe");
expect(await flux.queue("status")).toEqual({ enabled: true });
expect((await jobs.submit(2)).ids).toHaveLength(2);
