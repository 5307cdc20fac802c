import { gh, issue, measured, pr, type Lesson } from "../lesson.ts";
import { apiCalls, brokerState, callsAfter, diskOp, diskRefused, firstIndex, isLog, restartAfter } from "../run-facts.ts";

export const adminsChoice: Lesson = {
  slug: "admins-choice",
  title: "The admin's choice",
  text: `
garlick, after talking with kkier (${gh(6236)}), framed it as a choice for admins, who can best judge the impact:
- **reserve** space so Flux never runs out on rank 0: a filesystem of its own (PR ${gh(6217)}'s in-database
  reservation was never merged), or
- **share** the disk, and let Flux **go down hard** on ENOSPC; when restarted by hand it recovers what it can
  without stopping for manual intervention (a proposal: Flux has no such mode today).

*"From their perspective I think it's more of a question of whether they want to reserve some amount of disk
for flux or share it among multiple consumers…"*

The script runs jobs on a 2 MiB statedir that other consumers have filled to 1 MiB free, under \`upstream\`.
Run it, then switch to \`fail-hard\` and do what an admin would: try a start, free the space, start again, check
with fsck, run a job. Then press **Compare policies**.

*The model:* fail-hard stops the instance when a write-back fails, with exit code 1.
`,
  afterRun: `
A start on a full disk fails at once: SQLite needs room for its WAL index even to open the database, and real
Flux fails the same way. What each choice costs, as the runs show:
- \`upstream\` (Flux today): the instance limps on, jobs run, dirty bytes pile up in memory; what came after the
  last checkpoint is lost at the next restart, and a flush or sync after space comes back hangs (lesson 5).
- \`fail-hard\`: everything after the last checkpoint is lost at once, and the instance stays down until a human
  frees space and starts it. As a system instance it would need exit code 42, which systemd does not restart;
  exit 1 is restarted every 30 s, into a start that fails while the disk is full.
- A filesystem of its own for the statedir: nothing is lost, as long as it is sized for what Flux writes
  (lesson 9).

Even with fail-hard, a restart is not always "no manual step": if rc1's \`flux fsck --repair\` repairs anything
it exits 1 and the start fails (lesson 9). A system instance also writes a dump of the KVS into the statedir at
every stop and restores it at the next start: on a shared disk, that dump needs room too.
`,
  path: ["fail-hard"],
  sources: [
    issue(6236, "what to do on ENOSPC"),
    pr(6217, "space reservation inside content.sqlite (not merged)"),
    { label: "flux-core 0.88.0 etc/flux.service.in: exit 42 is not restarted; content.dump=auto", href: "https://github.com/flux-framework/flux-core/blob/v0.88.0/etc/flux.service.in" },
    measured("a start on a full disk fails in rc1"),
    measured("jobs until ENOSPC: 2 on 1 MiB, 6 on 4 MiB, 197 on 16 MiB"),
  ],
  realFlux: {
    caption: "flux-core 0.88 started again while the disk is still full",
    lines: [
      "content-sqlite.err: setting sqlite 'journal_mode' pragma: disk I/O error(4874)",
      "rc1.0: content-sqlite: [Errno 5] Input/output error",
      "# flux start exits 1 within a second; once space is freed, the next start recovers the last good checkpoint",
    ].join("\n"),
  },
  script: "08-admins-choice",
  hints: [
    { text: 'Change the policy to `"fail-hard"`.', edit: { find: 'policy: "upstream"', replace: 'policy: "fail-hard"' } },
    {
      text: 'When the instance is down: `await attempt("start", flux.start()); disk.remove(filler); await attempt("start", flux.start());`',
      edit: {
        find: 'await attempt("one more job", jobs.submit(1));',
        replace: 'await attempt("one more job", jobs.submit(1));\nawait attempt("start", flux.start());\ndisk.remove(filler);\nawait attempt("start", flux.start());',
      },
    },
    {
      text: 'Then `log((await flux.fsck()).ok); await attempt("job", jobs.submit(1));`',
      edit: { find: 'disk.remove(filler);\nawait attempt("start", flux.start());', replace: 'disk.remove(filler);\nawait attempt("start", flux.start());\nlog((await flux.fsck()).ok);\nawait attempt("job", jobs.submit(1));' },
    },
  ],
  predict: {
    question: "Under `fail-hard`, the instance went down. What does `flux.start()` do while the other consumers' file is still there?",
    choices: [
      { id: "ok", label: "It starts and recovers the last checkpoint" },
      { id: "fails", label: "It fails in rc1" },
      { id: "hang", label: "It waits until space is free" },
    ],
    reveal: (run) => {
      const failed = brokerState(run, "failed");
      const freed = failed < 0 ? -1 : diskOp(run, "remove", failed);
      const start = failed < 0 ? undefined : apiCalls(run, "flux.start()").find((c) => c.i > failed && (freed < 0 || c.i < freed));
      return start ? (start.outcome === "ok" ? "ok" : "fails") : undefined;
    },
    why: "SQLite needs room for the WAL index even to open the database; real Flux fails the same way.",
  },
  goal: (run) => {
    const refused = diskRefused(run);
    const failed = refused < 0 ? -1 : brokerState(run, "failed", refused);
    const freed = failed < 0 ? -1 : diskOp(run, "remove", failed);
    const restart = freed < 0 ? -1 : restartAfter(run, freed);
    const fsck = restart < 0 ? [] : callsAfter(run, "flux.fsck(", "ok", restart);
    return [
      { label: "Jobs fill the shared disk until SQLite meets ENOSPC", done: refused >= 0 && apiCalls(run, "jobs.submit(").some((c) => c.outcome === "ok" && c.i < refused) },
      { label: "The instance stops itself at ENOSPC (fail-hard)", done: failed >= 0 },
      { label: "Once space is freed, a plain flux.start() recovers", done: restart >= 0 },
      { label: "fsck is clean after the restart", done: fsck.length > 0 && firstIndex(run, isLog("fsck", "err", /./), restart) < 0 },
      { label: "A job runs after the restart", done: restart >= 0 && callsAfter(run, "jobs.submit(", "ok", restart).length > 0 },
    ];
  },
};
