import { model, pr, type Lesson, type LessonRun } from "../lesson.ts";
import { apiCalls, getKeyOf, putOf, restartAfter } from "../run-facts.ts";

/** What a crash and the restart after it show: keys put before the crash (synced or not) and how reading them ended after it. */
function crashStory(run: LessonRun) {
  const crash = apiCalls(run, "flux.crash()").find((c) => c.outcome === "ok");
  const restart = crash ? restartAfter(run, crash.i) : -1;
  const puts = crash ? apiCalls(run, "kvs.put(").filter((c) => c.i < crash.i && c.outcome === "ok") : [];
  const synced = new Set(puts.flatMap((c) => (putOf(c.call)?.sync ? [putOf(c.call)!.key] : [])));
  const unsynced = new Set(puts.flatMap((c) => (putOf(c.call)?.sync === false ? [putOf(c.call)!.key] : [])).filter((k) => !synced.has(k)));
  const reads = restart < 0 ? [] : apiCalls(run, "kvs.get(").filter((c) => c.i > restart);
  const readBack = (keys: Set<string>, outcome: string) => reads.some((c) => keys.has(getKeyOf(c.call) ?? "") && c.outcome === outcome);
  return { crash, restart, synced, unsynced, syncedBack: readBack(synced, "ok"), unsyncedGone: readBack(unsynced, "ENOENT") };
}

export const checkpoints: Lesson = {
  slug: "checkpoints",
  title: "Checkpoints and sync",
  text: `
What survives a power loss? Blobs in the database do, but a blob is only reachable from a root, and after a
restart the KVS starts from the root named by the newest **checkpoint**: a small record
\`{"rootref": …, "sequence": N}\` that content-sqlite keeps in the database (the newest 5 since Flux 0.77).

Checkpoints are written:
- by a commit with **FLUX_KVS_SYNC** (\`flux kvs put --sync\`, here \`{ sync: true }\`): flush the cache, then
  checkpoint the new root, and only then answer;
- when the kvs unloads at shutdown (**rc3**, the shutdown script; **rc1** is the start script);
- every \`kvs.checkpoint-period\`, if an admin set one (unset by default).

A commit without sync changes only the root in memory. Put one key with sync and one without, crash
(\`flux.crash()\`: all memory gone, the statedir as written), start again and read both. At the restart the
broker's log (**dmesg**) says the instance was not shut down properly.
`,
  sources: [model("§5", "checkpoints"), model("§6", "FLUX_KVS_SYNC, checkpoint at unload, restore at load"), model("§7", "rc1, rc3, crash"), pr(6260, "flush before checkpoint-put"), model("§4", "checkpoint history: the 5 newest since 0.77")],
  realFlux: {
    caption: "flux-core 0.88 restarted after its last checkpoint (flux-model.md §13 C)",
    lines: "(dmesg) restored KVS from checkpoint on <time of the last --sync>\n$ flux kvs get big\nbig: No such file or directory",
  },
  script: "03-checkpoints",
  hints: [
    'Add `await kvs.put("saved", "kept", { sync: true });` before `flux.crash()`.',
    'After `await flux.start();`, add `await read("saved");` next to `await read("draft");`.',
  ],
  predict: {
    question: "After the crash and restart, which keys read back?",
    choices: [
      { id: "both", label: "Both: their blobs were in the database" },
      { id: "synced", label: "Only the synced one" },
      { id: "neither", label: "Neither: a crash loses the KVS" },
    ],
    reveal: (run) => {
      const story = crashStory(run);
      const reads = apiCalls(run, "kvs.get(").filter((c) => c.i > story.restart && story.restart >= 0);
      const ok = (keys: Set<string>) => reads.find((c) => keys.has(getKeyOf(c.call) ?? ""))?.outcome === "ok";
      if (!reads.some((c) => story.synced.has(getKeyOf(c.call) ?? "")) || !reads.some((c) => story.unsynced.has(getKeyOf(c.call) ?? ""))) return undefined;
      return ok(story.synced) ? (ok(story.unsynced) ? "both" : "synced") : "neither";
    },
    why: "The restart restores the newest checkpoint's root. The unsynced key's blobs may be in the database, but no checkpointed root leads to them.",
  },
  goal: (run) => {
    const story = crashStory(run);
    return [
      { label: "Put a key with { sync: true } before a crash", done: story.synced.size > 0 },
      { label: "Crash, then start again", done: story.restart >= 0 },
      { label: "The synced key reads back after the restart", done: story.syncedBack },
      { label: "A key put without sync is gone after it (ENOENT)", done: story.unsyncedGone },
    ];
  },
};
