// Lesson 9: the runbook. An admin's checklist for the statedir, each step a part of this run.
// instance: "system" runs the broker as flux.service does under systemd: exit 42 at every stop and failed start
// (not restarted), a crash restarted after 30 s, a stop killed after 90 s, a dump at every clean stop.
// The policy is upstream with two switches: checkpointPeriodMs is Flux's [kvs] checkpoint-period (0: unset,
// Flux's default; a virtual second here stands for the admin guide's 30 minutes), and checkpointPutFlushes:
// false stands in for damage from outside (a checkpoint an older Flux wrote without a flush), so that step 4
// has something for rc1's fsck to repair. Flux 0.88 itself never writes such a checkpoint.
scenario({ title: "Lesson 9: the runbook", instance: "system", disk: "16 MiB", policy: { preset: "upstream", checkpointPeriodMs: 0, checkpointPutFlushes: false } });

const attempt = async (what: string, call: Promise<unknown>) => log(what, "→", await call.then(() => "ok", (e: Error) => e.message));
const files = () => disk.files().map((f) => `${f.name} ${f.bytes}`).join(", ");

// 1. Size: run 10 jobs and look at the statedir's files.
await flux.start();
const ids: string[] = [];
for (let n = 0; n < 10; n++) {
  ids.push(...(await jobs.submit(1)).ids);
  await sim.advance(300);
}
log("statedir:", files());

// 2. Monitor: flux module stats content-sqlite (dbfile_free is the filesystem's free bytes) and dmesg's crit lines.
const stats = await flux.stats("content-sqlite");
log(`dbfile_size ${stats.dbfile_size}, dbfile_free ${stats.dbfile_free}; crit lines: ${flux.dmesg({ level: "crit" }).length}`);

// 3. A crash: how many of the 10 jobs does the restart keep? Then set checkpointPeriodMs: 1_000 and run again.
// (systemd would restart the broker 30 s after the crash; an admin's start at once replaces that restart)
flux.crash();
await flux.start();
let kept = 0;
for (const id of ids) if (await kvs.get(`job.${id}.eventlog`).then(() => true, () => false)) kept++;
log(`after the crash: ${kept} of ${ids.length} jobs kept`);

// 4. The disk fills; a 6 MB value cannot be written back; the admin stops Flux, frees the space, starts it.
const filler = disk.fill();
await kvs.put("big", bytes(6_000_000));
await sim.settle();
log("crit lines:", flux.dmesg({ level: "crit" }).length);
// rc3's flush waits for a write-back that cannot happen: systemd kills the stop after 90 s (TimeoutStopSec=90)
log("the stop ends with exit", (await flux.shutdown()).exitCode, "·", flux.dmesg({ source: "systemd" }).at(-1));
disk.remove(filler);
await attempt("start", flux.start());
// If that start failed, read why (flux.dmesg("rc1.0: flux-fsck")), start again, and look in lost+found.

// 5. What systemd adds. Once the instance runs again, stop it cleanly (flux.shutdown()) and look at what rc3 left
// in the statedir (files()); start it, read flux.dmesg("rc1.0: restoring"), then free what the dump takes.
