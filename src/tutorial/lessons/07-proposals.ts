import { gh, issue, measured, pr, type Lesson, type LessonRun } from "../lesson.ts";
import { apiCalls, brokerState, diskOp, diskRefused, firstIndex, getKeyOf, isLog, putOf, restartAfter } from "../run-facts.ts";

const PROPOSALS = ["read-only", "fail-hard", "rc3-hold", "separate-checkpoint-db", "reserve-file"];

/** Whether `big`, put on the full disk, read back after the restart that followed the shutdown. */
function bigKept(run: LessonRun): boolean {
  const fill = diskOp(run, "fill");
  const restart = restartAfter(run, brokerState(run, "rc3"));
  return fill >= 0 && apiCalls(run, 'kvs.get("big")').some((c) => c.i > restart && restart >= 0 && c.outcome === "ok");
}

export const proposals: Lesson = {
  slug: "proposals",
  title: "The proposals of the ENOSPC discussion",
  text: `
The ENOSPC discussion (${gh(6236)}, Aug 2024) put forward several designs; five are policies here. The script
runs the same story under one: the disk fills (32 KiB left), a 200 kB value is put, the admin shuts down, frees
the space during the shutdown, starts again and reads the value back.

| policy | the idea | who |
|---|---|---|
| \`read-only\` | on ENOSPC the backing store, cache and kvs go read-only: commits get **EROFS** ("Read-only file system"), reads work; the way back in the discussion is a restart (\`flux.readWrite()\`, going back online, is the playground's extension) | garlick, after chu11's "backing module failed" mode; offered as brainstorming |
| \`fail-hard\` | the first ENOSPC stops the instance; started again by hand, it recovers the last good checkpoint | garlick, after talking with **kkier** (whom he consulted, GitHub handle) |
| \`rc3-hold\` | assuming the read-only mode: shutdown holds in rc3, before the kvs unloads, with only the kvs and content modules loaded, until there is free space | garlick |
| \`separate-checkpoint-db\` | checkpoints in a small preallocated database with journaling off; its fallback (checkpoint the newest root that is all on disk) is the playground's, from another tentative comment of chu11's | chu11 |
| \`reserve-file\` | *not from the discussion:* the playground's own idea, a 256 KiB reserve file deleted at the first ENOSPC | this playground |

chu11's PR ${gh(6217)} (never merged: garlick preferred the fail-hard choice) reserved space differently: it grows
\`content.sqlite\` by free pages at start and, on the first ENOSPC, turns journaling off and retries the write
into those pages. That space stays inside the database for Flux alone; after the switch no journal protects the
database from a crash.

**Predict**, then change the policy line and run. (**Compare policies**, above the editor, runs the script under
every policy at once, side by side.)

*The model:* none of these was merged into Flux; each policy is one reading of the discussion, a set of switches
in the playground's engine.
`,
  afterRun: `
Only \`rc3-hold\` waits for the space the admin frees: the others stop, or checkpoint the last root that is on
disk, before the space comes back, so the restart returns to the last good checkpoint and \`big\` is gone. Under
**systemd**, the service manager a site's Flux runs under, a stop that takes longer than 90 s is killed
(\`TimeoutStopSec=90\`): a real hold would need a longer stop timeout. A \`fail-hard\` system instance would have to
exit 42 (\`broker.exit-norestart\`), or systemd restarts it every 30 s into a start that fails on the full disk.

Not modelled here: a safe mode that stops the queues (**trws**, a Flux developer, suggested it; an earlier safe
mode was removed in ${gh(4898)}); garlick's "content-sqlite should just close the database after we get an
ENOSPC"; a partial shutdown that leaves rank 0 running (garlick); a checkpoint after every job (garlick: "likely
to harm job throughput").
`,
  path: PROPOSALS,
  sources: [
    issue(6236, "what to do on ENOSPC"),
    pr(6217, "content-sqlite: preallocate space, journaling off on ENOSPC (not merged)"),
    issue(4898, "an earlier safe mode, removed"),
    { label: "flux-core 0.88.0 etc/flux.service.in: Restart=always, RestartPreventExitStatus=42, TimeoutStopSec=90", href: "https://github.com/flux-framework/flux-core/blob/v0.88.0/etc/flux.service.in" },
    measured("shut down with the disk full: what upstream does today"),
  ],
  realFlux: {
    caption: "flux-core 0.88 shut down with its disk full: what upstream does today",
    lines: [
      "kvs.err: error saving primary KVS checkpoint: No space left on device",
      "kvs.crit: module exiting abnormally",
      "broker.err: kvs: No space left on device",
      "broker.err: rc3.0: content-flush: [Errno 28] No space left on device",
      "broker.err: rc3.0: flux modprobe rc3 Exited (rc=1)",
      "broker module 'content' was not properly shut down",
    ].join("\n"),
  },
  script: "07-proposals",
  hints: [
    { text: "Only the `policy:` in `scenario({...})` needs to change (or pick one in the toolbar's policy menu)." },
    {
      text: 'A policy that keeps the dirty blobs until there is space, and flushes before the kvs unloads, keeps `big`: `policy: "rc3-hold"`.',
      edit: { find: 'policy: "upstream"', replace: 'policy: "rc3-hold"' },
    },
  ],
  predict: {
    question: "Which proposal keeps `big` across the restart in this story?",
    choices: PROPOSALS.map((id) => ({ id, label: id })),
    reveal: (run) => (PROPOSALS.includes(run.result.policy) && bigKept(run) ? run.result.policy : undefined),
    why: "Only a policy that keeps the dirty blob and waits for space before the unload checkpoint can write it; the others come back at the last good checkpoint.",
  },
  goal: (run) => {
    const fill = diskOp(run, "fill");
    const refused = diskRefused(run, Math.max(0, fill));
    const stopped = Math.max(brokerState(run, "down", Math.max(0, refused)), brokerState(run, "failed", Math.max(0, refused)));
    const restart = refused >= 0 && stopped >= 0 ? restartAfter(run, stopped) : -1;
    const putOnFullDisk = new Set(apiCalls(run, "kvs.put(").filter((c) => c.outcome === "ok" && c.i > fill && fill >= 0).map((c) => putOf(c.call)?.key));
    const reads = restart < 0 ? [] : apiCalls(run, "kvs.get(").filter((c) => c.i > restart);
    const fsck = restart < 0 ? [] : apiCalls(run, "flux.fsck(").filter((c) => c.i > restart && c.outcome === "ok");
    return [
      { label: "Run under one of the proposals", done: PROPOSALS.includes(run.result.policy) },
      { label: "SQLite meets the full disk (a write refused: ENOSPC)", done: refused >= 0 },
      { label: "The instance stops and starts again", done: restart >= 0 },
      { label: "The value put on the full disk reads back after the restart", done: reads.some((c) => c.outcome === "ok" && putOnFullDisk.has(getKeyOf(c.call))) },
      { label: "fsck is clean after the restart", done: fsck.length > 0 && firstIndex(run, isLog("fsck", "err", /./), restart) < 0 },
    ];
  },
};
