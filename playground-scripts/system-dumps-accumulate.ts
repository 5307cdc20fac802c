// Issue 18: old dumps are never removed. Every clean stop of a system instance adds a .tgz to the statedir's
// own filesystem, until a stop's dump no longer fits: then rc3 fails, the disk is full and the next start fails
// in rc1. An admin deleting old dumps (disk.remove) brings the instance back.
scenario({ title: "System instance: dumps accumulate over many stops", instance: "system", disk: "2 MiB" });

await flux.start();
await kvs.put("data", bytes(150_000, 6)); // random bytes: each dump holds about 150 kB
let stops = 0;
for (;;) {
  const { errors } = await flux.shutdown();
  stops++;
  await sim.advance(86_400_000); // one stop a day
  if (errors.length > 0) break;
  await flux.start();
}
const dumps = disk.files().filter((f) => f.name.endsWith(".tgz"));
log(`${stops} stops, ${dumps.length} dumps, ${disk.free} bytes free`);
expect(flux.dmesg("rc3.0: flux-dump: Write error")).toHaveLength(1);
expect(stops).toBeGreaterThan(3);

await expect(flux.start()).rejects.toThrow("rc1.0");
expect(flux.exitCode).toBe(42);
for (const old of dumps.slice(0, -2)) disk.remove(old);
await flux.start();
expect(await kvs.get("data")).toEqual(bytes(150_000, 6));
