// Lesson 8: the admin's choice. Jobs run on a statedir shared with other consumers.
// garlick in flux-core #6236: either reserve space so Flux never runs out, or let Flux go down hard on ENOSPC
// and recover what it can when restarted by hand. Try policy "fail-hard", then press Compare policies.
scenario({ title: "Lesson 8: the admin's choice", policy: "fail-hard", disk: "2 MiB" });

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
await attempt("one more job", jobs.submit(1)); // the instance is down: refused

await attempt("start on the full disk", flux.start()); // rc1 fails: SQLite needs room to open the database
disk.remove(filler);
await attempt("start", flux.start()); // no repair by hand: the last good checkpoint
await attempt("get config", kvs.get("config"));
log("fsck:", (await flux.fsck()).ok ? "clean" : "damaged");
await attempt("one more job", jobs.submit(1));
