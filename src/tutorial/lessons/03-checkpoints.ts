import { code, gh, measured, pr, type Lesson, type LessonRun } from "../lesson.ts";
import { apiCalls, getKeyOf, putOf, restartAfter } from "../run-facts.ts";

/**
 * What a crash and the restart after it show, by where each key was put: the
 * synced keys, the unsynced keys put before the last synced commit (its
 * checkpoint names a root that holds them too), and the keys put after it.
 */
function crashStory(run: LessonRun) {
  const crash = apiCalls(run, "flux.crash()").find((c) => c.outcome === "ok");
  const restart = crash ? restartAfter(run, crash.i) : -1;
  const puts = crash ? apiCalls(run, "kvs.put(").filter((c) => c.i < crash.i && c.outcome === "ok") : [];
  const lastSync = puts.filter((c) => putOf(c.call)?.sync).at(-1);
  const keysOf = (calls: typeof puts) => new Set(calls.map((c) => putOf(c.call)?.key ?? ""));
  const synced = keysOf(puts.filter((c) => putOf(c.call)?.sync));
  const beforeSync = lastSync ? keysOf(puts.filter((c) => c.i < lastSync.i && !synced.has(putOf(c.call)?.key ?? ""))) : new Set<string>();
  const afterSync = keysOf(puts.filter((c) => (!lastSync || c.i > lastSync.i) && !synced.has(putOf(c.call)?.key ?? "") && !beforeSync.has(putOf(c.call)?.key ?? "")));
  const reads = restart < 0 ? [] : apiCalls(run, "kvs.get(").filter((c) => c.i > restart);
  /** How reading back one of `keys` after the restart ended, or undefined if none was read. */
  const readBack = (keys: Set<string>) => reads.find((c) => keys.has(getKeyOf(c.call) ?? ""))?.outcome;
  return { restart, synced, beforeSync, afterSync, readBack };
}

export const checkpoints: Lesson = {
  slug: "checkpoints",
  title: "Checkpoints and sync",
  text: `
What survives a **crash** of the broker (kill -9, out of memory)? Blobs in the database do, but a blob is only
reachable from a root, and after a restart the KVS starts from the root named by the newest **checkpoint**: a
small record \`{"rootref": …, "sequence": N}\` that content-sqlite keeps in the database (the 5 newest since 0.77).

Checkpoints are written:
- by a commit with **FLUX_KVS_SYNC** (\`flux kvs put --sync\`, here \`{ sync: true }\`): flush the cache, then
  checkpoint the new root, and only then answer; \`flux kvs sync\` is the same with no change: "checkpoint now";
- when the kvs unloads during shutdown: in **rc3**, the broker's stop script (**rc1** is its start script);
- every **checkpoint-period** (\`[kvs] checkpoint-period\` in Flux's config), if an admin set one: unset by
  default, though the admin guide's example sets 30m;
- by **fsck** (\`flux fsck\` checks that every blob of the tree is in the database; lesson 6) with \`--repair\`,
  by \`flux restore\`, and by \`flux content checkpoint update\`: an admin's tools (lesson 9).

Since 0.77 every checkpoint is preceded by a flush: \`content.checkpoint-put\` does it first (${gh(6260)}).
The stack panel's badge *kvs N ahead of its checkpoint* counts the roots made since the newest checkpoint.

The starting script puts a key without sync and crashes (\`flux.crash()\`). Follow its comments: a synced key
after the draft, one more plain key after that, and read all three after the restart.
`,
  afterRun: `
The restart restores the newest checkpoint's root: the whole tree as it was at that commit. So a key put
*before* a synced commit survives with it, and a key put *after* the last checkpoint is gone, even though its
blobs may be in the database: no checkpointed root leads to them. At the restart the broker's log (**dmesg**)
says the instance was not shut down properly.

A broker crash is not a power loss. content-sqlite runs SQLite with \`journal_mode=WAL\` and
\`synchronous=NORMAL\`: a committed transaction survives the process dying, but after a power loss or an OS
crash the newest transactions may roll back, a sync's checkpoint included. \`[content-sqlite] synchronous = "FULL"\`
in Flux's config closes that window, at some cost in speed. The playground models the broker crash only.
`,
  path: ["upstream"],
  sources: [
    code("src/modules/kvs/kvstxn.c", "FLUX_KVS_SYNC: flush, then checkpoint the new root"),
    code("src/modules/content/checkpoint.c", "content.checkpoint-put flushes first"),
    pr(6260, "content: checkpoint-put flushes first (0.77)"),
    pr(6772, "keep the 5 newest checkpoints (0.77)"),
    code("src/modules/content-sqlite/content-sqlite.c", "journal_mode=WAL, synchronous=NORMAL by default"),
    { label: "SQLite: synchronous=NORMAL in WAL mode is durable across application crashes, not power loss", href: "https://www.sqlite.org/pragma.html#pragma_synchronous" },
    measured("restarted after its last checkpoint, the later key is gone"),
  ],
  realFlux: {
    caption: "flux-core 0.88 restarted after its last checkpoint",
    lines: "(dmesg) restored KVS from checkpoint on <time of the last --sync>\n$ flux kvs get big\nbig: No such file or directory",
  },
  script: "03-checkpoints",
  hints: [
    {
      text: 'After the draft: `await kvs.put("saved", "written with sync", { sync: true });`',
      edit: { find: 'await kvs.put("draft", "written without sync");', replace: 'await kvs.put("draft", "written without sync");\nawait kvs.put("saved", "written with sync", { sync: true });' },
    },
    {
      text: 'After the synced put: `await kvs.put("late", "written after the sync");`',
      edit: { find: 'await kvs.put("saved", "written with sync", { sync: true });', replace: 'await kvs.put("saved", "written with sync", { sync: true });\nawait kvs.put("late", "written after the sync");' },
    },
    {
      text: 'After `await read("draft");` add `await read("saved");` and `await read("late");`.',
      edit: { find: 'await read("draft");', replace: 'await read("draft");\nawait read("saved");\nawait read("late");' },
    },
  ],
  predict: {
    question: "`draft` is put without sync, then `saved` with sync; then the broker crashes and starts again. Which of the two read back?",
    choices: [
      { id: "both", label: "Both" },
      { id: "synced", label: "Only saved, the synced one" },
      { id: "neither", label: "Neither: a crash loses the KVS" },
    ],
    reveal: (run) => {
      const story = crashStory(run);
      const saved = story.readBack(story.synced);
      const draft = story.readBack(story.beforeSync);
      if (saved === undefined || draft === undefined) return undefined;
      return saved === "ok" ? (draft === "ok" ? "both" : "synced") : "neither";
    },
    why: "A sync checkpoints the whole tree, not one transaction: the root it names holds every key put before it.",
  },
  goal: (run) => {
    const story = crashStory(run);
    return [
      { label: "Put a key with { sync: true } before a crash", done: story.synced.size > 0 },
      { label: "Crash, then start again", done: story.restart >= 0 },
      { label: "The synced key reads back after the restart", done: story.readBack(story.synced) === "ok" },
      { label: "A key put without sync before it reads back too", done: story.readBack(story.beforeSync) === "ok" },
      { label: "A key put after the last sync is gone (ENOENT)", done: story.readBack(story.afterSync) === "ENOENT" },
    ];
  },
};
