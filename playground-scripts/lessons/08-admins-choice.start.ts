// Lesson 8: the admin's choice. Jobs run on a statedir shared with other consumers.
// garlick in flux-core #6236: either reserve space so Flux never runs out, or let Flux go down hard on ENOSPC
// and recover what it can when restarted by hand. Try policy "fail-hard", then press Compare policies.
scenario({ title: "Lesson 8: the admin's choice", policy: "upstream", disk: "2 MiB" });

const attempt = async (what: string, call: Promise<unknown>) => log(what, "→", await call.then(() => "ok", (e: Error) => e.message));

await flux.start();
await kvs.put("config", "synced", { sync: true });
const filler = disk.fill(disk.free - 1024 * 1024); // the other consumers leave 1 MiB

let jobsRun = 0;
while (flux.state === "run" && flux.dmesg("No space left on device").length === 0 && jobsRun < 100) {
  await jobs.submit(1).catch(() => {});
  jobsRun++;
  await sim.advance(100); // write-back reaches the disk
}
log(`${jobsRun} jobs; the instance is ${flux.state}; disk ${disk.used} of ${disk.quota}`);
await attempt("one more job", jobs.submit(1));

// When the instance is down: try flux.start() while the disk is still full, then
// disk.remove(filler), flux.start() again, flux.fsck(), and one more job.
