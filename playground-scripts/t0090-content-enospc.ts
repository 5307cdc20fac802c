// flux-core t0090-content-enospc.t: a small statedir fills up under a job workload.
// Jobs keep running (their commits are cached), but flush, synced commits and rc3 fail.
scenario({ title: "t0090: jobs until the statedir is full", disk: "1 MiB" });

await flux.start();
let jobsRun = 0;
while (flux.dmesg("No space left on device").length === 0) {
  await jobs.submit(1);
  jobsRun++;
  await sim.advance(100); // let write-back reach the disk
  if (jobsRun > 2000) throw new Error("the disk never filled");
}
log(`${jobsRun} jobs until dmesg showed ENOSPC; disk ${disk.used} of ${disk.quota} bytes`);

// afterwards a job still runs and prints its output
const after = await jobs.submit(1);
expect(after.output).toEqual(["0123456789\n"]);

await expect(content.flush()).rejects.toThrow("content.flush: No space left on device");
await expect(kvs.put("foo", 1, { sync: true })).rejects.toThrow("flux_kvs_commit: No space left on device");

const { exitCode, errors } = await flux.shutdown();
expect(exitCode).toBe(1); // `flux start` exits non-zero because rc3 fails
expect(errors.join("\n")).toContain("content-flush");
