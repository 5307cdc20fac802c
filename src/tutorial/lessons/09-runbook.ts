import { code, measured, type Lesson, type LessonRun } from "../lesson.ts";
import { apiCalls, callsAfter, diskOp, failedWriteBack, firstIndex, getKeyOf, isLog } from "../run-facts.ts";

/** The first start after the admin freed the space, and whether rc1's fsck repaired something on the way. */
function startAfterFreeing(run: LessonRun) {
  const freed = diskOp(run, "remove");
  const start = freed < 0 ? undefined : apiCalls(run, "flux.start()").find((c) => c.i > freed);
  // rc1 runs `flux fsck --repair --quiet`: its stderr is the broker's `rc1.0: flux-fsck: ...` lines (flux-model.md §7)
  const repaired = start !== undefined && firstIndex(run, isLog("broker", "err", /^rc1\.0: flux-fsck: Total repairs: /), freed) >= 0;
  return { freed, start, repaired };
}

/**
 * Step 5, from what the run logged after the start that came `after` (the one after the repair): rc3's
 * "dumping content to", systemd's exit 42, rc1's "restoring content from" and the start it belongs to, and an
 * admin's disk.remove of a dump/*.tgz after it.
 */
function dumpAndRestore(run: LessonRun, after: number) {
  const from = Math.max(after, 0);
  const dumped = after < 0 ? -1 : firstIndex(run, isLog("broker", "info", /^rc3\.0: dumping content to /), from);
  const stoppedFor42 = dumped >= 0 && firstIndex(run, isLog("systemd", "notice", /exit 42: not restarted/), dumped) >= 0;
  const restored = dumped < 0 ? -1 : firstIndex(run, isLog("broker", "info", /^rc1\.0: restoring content from /), dumped);
  const start = restored < 0 ? undefined : callsAfter(run, "flux.start()", "ok", restored)[0];
  const check = start === undefined ? -1 : firstIndex(run, isLog("broker", "info", /^rc1\.0: Checking integrity/), restored);
  const fsckRan = check >= 0 && check < start!.i;
  const removed = restored < 0 ? -1 : firstIndex(run, (e) => e.kind === "disk" && e.op === "remove" && /^statedir\/dump\/.*\.tgz$/.test(e.path), restored);
  return { dumped, stoppedFor42, restored, restoredClean: start !== undefined && !fsckRan, dumpRemoved: removed >= 0 };
}

export const runbook: Lesson = {
  slug: "runbook",
  title: "The runbook",
  text: `
What an admin of a Flux system instance can do about ENOSPC on rank 0, step by step. The script runs steps 1 to 4
on a system instance (step 5 says what that is); its comments say what to change, and what to add for step 5.

**1. Give the statedir a filesystem of its own, and size it.** The broker attribute \`statedir\`
(\`/var/lib/flux\` under systemd) sets where \`content.sqlite\` lives. Real Flux 0.88 uses 122,880 bytes right
after its first start: a 4 KiB database and a 115 KB WAL. SQLite copies the WAL into the database only every
1000 pages (about 4 MB) and then reuses the WAL file without shrinking it, so on a small disk the WAL takes what
is free (1.0 MB beside a 4 KiB database when a 1 MiB disk filled) and the database grows only after. Then count
about 24 KB per job plus 380 bytes per job already in the KVS (measured: 350 jobs took 37 MB), and room for a
dump at every stop (below). Flux's admin guide: *"running out of space on the leader node is catastrophic"*.
Keeping it small: \`[job-manager] inactive-age-limit\` purges old jobs; \`flux gc\` (0.87), \`flux shutdown --gc\`
and \`[kvs] gc-threshold\` collect unreferenced blobs.

**2. Monitor.** \`flux dmesg\` lines \`content.crit … content store: No space left on device\` mean a write-back
failed; \`flux module stats content-sqlite\` reports \`dbfile_size\` and \`dbfile_free\` (the filesystem's free
bytes); \`df\` on the statedir. Flux itself does not watch free space.

**3. Decide what a crash may lose.** A restart comes back at the newest checkpoint. With no
\`[kvs] checkpoint-period\`, that is the last sync or clean stop; the admin guide's example sets 30m. After a
full disk is freed, the next period's checkpoint hangs the primary namespace like a user's sync (lesson 5), so
restart soon after freeing space. For power loss, \`[content-sqlite] synchronous = "FULL"\` (the default NORMAL
can roll back the newest transactions then); the playground models no power loss.

**4. Recover, in this order.** Free space (or grow the filesystem). If the instance still runs and hangs, it
can only be stopped or killed; an admin who needs the unsynced data may first \`flux dump\` the live KVS to
another filesystem (untested here). Start it. If rc1's fsck had to repair anything, the start fails: look in
**lost+found** (the KVS directory where \`flux fsck --repair\` puts damaged keys, \`flux kvs ls lost+found\`),
then start again. \`flux content checkpoint list\` shows the checkpoint the restart came back to; tell users
that jobs and KVS changes after its time are gone. \`flux start --recovery\` is for experts: rc1 errors ignored, no fsck.

**5. What systemd adds.** This lesson's instance is a *system instance* (\`scenario({ instance: "system" })\`): the
broker runs as flux-core's systemd unit \`flux.service\` starts it, under systemd's rules. systemd restarts the broker
30 s after most exits, but not after exit 42, which every \`flux shutdown\` and every rc1 failure use: a start on a
full disk, or one that rc1's fsck failed, leaves the instance down until an admin starts it. A stop that takes over
90 s is killed (\`TimeoutStopSec=90\`): in step 4 the stop hangs in rc3, and that is how it ends. The unit also sets
\`content.dump=auto\` and \`content.restore=auto\`: at every clean stop rc3 writes a **dump** of the KVS
(\`flux dump --checkpoint\`: a gzip tar, one file per key) into \`<statedir>/dump/\`, on the same filesystem, with
a \`RESTORE\` link to it; the next start rebuilds \`content.sqlite\` from the dump and runs no fsck. Flux never removes
an old dump, so every stop takes more of the disk. Once the instance runs again, stop it cleanly, start it, and
remove the dump it restored from: the goal checks each from the run. The examples
[a dump that does not fit](#example/system-dump-does-not-fit) and
[dumps accumulating](#example/system-dumps-accumulate) show where that ends.
`,
  afterRun: `
A repair is not a quiet fix: fsck exits 1 whenever it found damage, even after repairing it, and rc1 fails the
start on that. Under systemd that start exits 42 and is not retried (the run's dmesg: \`exit 42: not restarted\`):
someone has to look and start it again.
In the run, the 10 jobs survived the crash only with a checkpoint-period (9 of 10: the last one came after the
last period); without it none did.
`,
  path: ["upstream"],
  sources: [
    { label: "flux-core 0.88.0 etc/flux.service.in: Restart=always, RestartSec=30s, exit 42 not restarted, TimeoutStopSec=90, content.dump/restore=auto", href: "https://github.com/flux-framework/flux-core/blob/v0.88.0/etc/flux.service.in" },
    code("etc/modprobe/rc1.py", "fsck --repair --job-aware in rc1; restore from the dump, then no fsck"),
    code("etc/modprobe/rc3.py", "content-flush, then content-dump"),
    code("src/cmd/builtin/dump.c", "flux dump --checkpoint: a tar of the newest checkpoint's keys"),
    code("src/cmd/builtin/restore.c", "flux restore --checkpoint: the keys stored again, a new checkpoint written"),
    code("src/cmd/builtin/fsck.c", "cmd_fsck exits 1 when it found errors, repaired or not"),
    code("src/broker/state_machine.c", "rc1 failure: exit with broker.exit-norestart"),
    code("src/modules/content-sqlite/content-sqlite.c", "stats: dbfile_size, dbfile_free (statvfs)"),
    { label: "Flux admin guide: configuration (statedir, checkpoint-period 30m)", href: "https://flux-framework.readthedocs.io/en/latest/guides/admin-guide.html" },
    measured("122,880 bytes after start; WAL up to ~4.1 MB; ~24 KB per job + 380 B × jobs so far"),
    { label: `flux-core #7681: flux gc (0.87)`, href: "https://github.com/flux-framework/flux-core/pull/7681" },
  ],
  script: "09-runbook",
  hints: [
    {
      text: "Set `checkpointPeriodMs: 1_000` in the policy and run again: how many jobs does the crash keep now?",
      edit: { find: "checkpointPeriodMs: 0,", replace: "checkpointPeriodMs: 1_000," },
    },
    {
      text: 'After the failed start: `log(flux.dmesg("rc1.0: flux-fsck")); await attempt("start again", flux.start()); log(await kvs.ls("lost+found"));`',
      edit: {
        find: 'await attempt("start", flux.start());\n',
        replace: 'await attempt("start", flux.start());\nlog(flux.dmesg("rc1.0: flux-fsck"));\nawait attempt("start again", flux.start());\nlog(await kvs.ls("lost+found"));\n',
      },
    },
    {
      text: 'Then step 5: `log("clean stop exits", (await flux.shutdown()).exitCode, files()); await attempt("start from the dump", flux.start()); log(flux.dmesg("rc1.0: restoring"));` and remove the dump: `for (const f of disk.files()) if (f.name.endsWith(".tgz")) disk.remove(f);`',
      edit: {
        find: '// in the statedir (files()); start it, read flux.dmesg("rc1.0: restoring"), then free what the dump takes.\n',
        replace:
          '// in the statedir (files()); start it, read flux.dmesg("rc1.0: restoring"), then free what the dump takes.\nlog("clean stop exits", (await flux.shutdown()).exitCode, files());\nawait attempt("start from the dump", flux.start());\nlog(flux.dmesg("rc1.0: restoring"));\nfor (const f of disk.files()) if (f.name.endsWith(".tgz")) disk.remove(f);\n',
      },
    },
  ],
  predict: {
    question: "Space is freed. At the start, rc1's `flux fsck --repair` finds the missing blob of `big` and moves `big` to lost+found. What does that start do?",
    choices: [
      { id: "starts", label: "It starts: the repair fixed the tree" },
      { id: "fails", label: "It fails: fsck exits 1 after a repair, and rc1 with it" },
      { id: "safe-mode", label: "It starts in a safe mode, with queues stopped" },
    ],
    reveal: (run) => {
      const { start, repaired } = startAfterFreeing(run);
      if (!start || !repaired) return undefined;
      return start.outcome === "ok" ? "starts" : "fails";
    },
    why: "`flux fsck` exits 1 whenever it found damage, repaired or not; rc1 re-raises it, so the start fails.",
  },
  goal: (run) => {
    const jobsRan = apiCalls(run, "jobs.submit(").find((c) => c.outcome === "ok");
    const crash = apiCalls(run, "flux.crash()")[0];
    const restart = crash ? (callsAfter(run, "flux.start()", "ok", crash.i)[0]?.i ?? -1) : -1;
    const jobsKept = restart < 0 ? [] : callsAfter(run, "kvs.get(", "ok", restart).filter((c) => getKeyOf(c.call)?.startsWith("job."));
    const { freed, start, repaired } = startAfterFreeing(run);
    // the first start that worked after the failed one (step 5 starts once more after it)
    const again = start && start.outcome !== "ok" ? (callsAfter(run, "flux.start()", "ok", start.i)[0]?.i ?? -1) : -1;
    const { dumped, stoppedFor42, restored, restoredClean, dumpRemoved } = dumpAndRestore(run, again);
    return [
      { label: "Read flux.stats(\"content-sqlite\") after jobs ran (dbfile_free)", done: !!jobsRan && callsAfter(run, "flux.stats(", "ok", jobsRan.i).length > 0 },
      { label: "With a checkpoint-period, a crash keeps the jobs run before the last period", done: jobsKept.length > 0 },
      { label: "The full disk fails a write-back (dmesg crit)", done: failedWriteBack(run) >= 0 },
      { label: "Space freed, rc1's fsck repairs, and the start fails", done: freed >= 0 && repaired && start?.outcome !== "ok" },
      { label: "Started again, the damaged key is in lost+found", done: again >= 0 && callsAfter(run, 'kvs.ls("lost+found")', "ok", again).length > 0 },
      { label: "Then a clean stop: rc3 dumps the KVS into dump/, and the broker exits 42 (systemd leaves it down)", done: dumped >= 0 && stoppedFor42 },
      { label: "The next start rebuilds content.sqlite from the dump, with no fsck", done: restored >= 0 && restoredClean },
      { label: "The dump it restored from removed (Flux keeps every dump)", done: dumpRemoved },
    ];
  },
};
