import { issue, model, pr, type Lesson } from "../lesson.ts";
import { apiCalls, brokerState, callsAfter, diskOp, diskRefused, firstIndex, isLog, restartAfter } from "../run-facts.ts";

export const adminsChoice: Lesson = {
  slug: "admins-choice",
  title: "The admin's choice",
  text: `
garlick, after talking with kkier (#6236), framed it as a choice for admins, who can best judge the impact:
- **reserve** space so Flux never runs out on rank 0 (a partition, or a reservation like PR #6217), or
- **share** the disk, and let Flux **go down hard** on ENOSPC; when restarted by hand it recovers what it can
  without stopping for manual repair.

*"From their perspective I think it's more of a question of whether they want to reserve some amount of disk
for flux or share it among multiple consumers…"*

The script runs jobs on a 2 MiB statedir that other consumers have filled to 1 MiB free. Under \`upstream\` the
instance limps on: jobs run, dirty bytes pile up in memory, and a restart later loses them. Switch to
\`fail-hard\`: the instance stops at the first ENOSPC. Then do what an admin would: try a start, free the space,
start again, check with fsck, run a job. Then try \`reserve\`, or press **Compare policies**, and weigh it: what is lost,
what stops, what needs a human.

*The model:* fail-hard stops the instance when a write-back fails; Flux has no such mode today (#6236 proposes it).
`,
  sources: [issue(6236, "what to do on ENOSPC"), pr(6217, "space reservation"), model("§11.9", "a start on a full disk fails in rc1"), model("§12", "the designs discussed"), model("§13 A", "jobs until ENOSPC")],
  realFlux: {
    caption: "flux-core 0.88 started again while the disk is still full (flux-model.md §11.9)",
    lines: [
      "content-sqlite.err: setting sqlite 'journal_mode' pragma: disk I/O error(4874)",
      "rc1.0: content-sqlite: [Errno 5] Input/output error",
      "# flux start exits 1 within a second; once space is freed, the next start recovers the last good checkpoint",
    ].join("\n"),
  },
  script: "08-admins-choice",
  hints: [
    'Change the policy to `"fail-hard"`.',
    'When the instance is down: `await attempt("start", flux.start()); disk.remove(filler); await attempt("start", flux.start());`',
    'Then `log((await flux.fsck()).ok); await attempt("job", jobs.submit(1));`',
  ],
  predict: {
    question: "Under `fail-hard`, the instance went down. What does `flux.start()` do while the other consumer's file is still there?",
    choices: [
      { id: "ok", label: "It starts and recovers the last checkpoint" },
      { id: "fails", label: "It fails in rc1: SQLite cannot open the database" },
      { id: "hang", label: "It waits until space is free" },
    ],
    reveal: (run) => {
      const failed = brokerState(run, "failed");
      const freed = failed < 0 ? -1 : diskOp(run, "remove", failed);
      const start = failed < 0 ? undefined : apiCalls(run, "flux.start()").find((c) => c.i > failed && (freed < 0 || c.i < freed));
      return start ? (start.outcome === "ok" ? "ok" : "fails") : undefined;
    },
    why: "SQLite needs room for the WAL index even to open the database; real Flux fails the same way (flux-model.md §11.9).",
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
