import { model, type Lesson } from "../lesson.ts";
import { apiCalls, callsAfter, diskOp, failedWriteBack, getKeyOf, putOf, restartAfter } from "../run-facts.ts";

export const freeingSpace: Lesson = {
  slug: "freeing-space",
  title: "Freeing space does not heal",
  text: `
The admin sees the dmesg lines and deletes the file that filled the disk. Does Flux recover by itself?

In flux-core 0.88, no. A blob whose write-back failed **stays dirty but is taken off the flush list**: nothing
retries it. A flush with nothing in flight fails at once with the **remembered errno**, even though the disk
has room now. Once any later write succeeds, the remembered errno is cleared, and from then on a flush
*waits* for the stranded blobs, forever. A synced commit flushes, so it never answers; commits are processed
in order, so every commit after it waits too. Reads still work. Only a restart heals the instance, and it
comes back at the last good checkpoint: everything after it is lost.

Do the steps in the script's comments. \`sim.advance(60_000)\` lets a virtual minute pass.
`,
  sources: [model("§3", "a failed write-back stays dirty, on no list"), model("§6", "commits are processed in order"), model("§11.6–7", "observed on flux-core 0.88"), model("§13 E", "the same after one more put")],
  realFlux: {
    caption: "flux-core 0.88 after the fill file was removed (flux-model.md §11.6–7)",
    lines: [
      "$ flux content flush",
      "flux-content: content.flush: No space left on device     # the 98 dirty entries stay dirty",
      "$ flux kvs put --sync d=4",
      "(never returns)",
      "$ flux kvs put e=5; flux run echo …",
      "(never return: queued behind the synced commit)",
      "$ flux kvs get a b                                       # works",
      "# shutdown hangs in rc3 until the instance is killed; after the restart:",
      "# a and b are there; c, d, e, big and the job are gone; flux fsck is clean",
    ].join("\n"),
  },
  script: "05-freeing-space",
  hints: [
    '`await attempt("flush", content.flush());` right after `disk.remove(filler)`.',
    'Do not await the synced put: `const sync = attempt("put --sync", kvs.put("d", 4, { sync: true })); await sim.advance(60_000);`',
    '`flux.crash(); await sync; await flux.start();` then `await attempt("get a", kvs.get("a")); await attempt("get big", kvs.get("big"));`',
  ],
  predict: {
    question: "Space is free again. What does `content.flush()` do?",
    choices: [
      { id: "ok", label: "It writes the dirty blobs back and succeeds" },
      { id: "ENOSPC", label: "It fails at once with ENOSPC" },
      { id: "hang", label: "It never answers" },
    ],
    reveal: (run) => {
      const freed = diskOp(run, "remove");
      const flush = freed < 0 ? undefined : apiCalls(run, "content.flush()").find((c) => c.i > freed);
      return flush ? (flush.outcome === "ok" || flush.outcome === "ENOSPC" ? flush.outcome : "hang") : undefined;
    },
    why: "The cache remembers the errno of the failed write-back and nothing retries the blob (cache.c); freeing space changes neither.",
  },
  goal: (run) => {
    const failed = failedWriteBack(run);
    const freed = failed < 0 ? -1 : diskOp(run, "remove", failed);
    const killed = freed < 0 ? [] : callsAfter(run, "kvs.put(", "ECONNRESET", freed).filter((c) => putOf(c.call)?.sync);
    const restart = killed.length ? restartAfter(run, killed[0]!.i) : -1;
    const before = apiCalls(run, "kvs.put(").filter((c) => c.outcome === "ok" && c.i < failed);
    const syncedBefore = new Set(before.flatMap((c) => (putOf(c.call)?.sync ? [putOf(c.call)!.key] : [])));
    const putAfterFill = new Set(apiCalls(run, "kvs.put(").filter((c) => c.outcome === "ok" && c.i < freed && !syncedBefore.has(putOf(c.call)?.key ?? "")).map((c) => putOf(c.call)?.key));
    const reads = restart < 0 ? [] : apiCalls(run, "kvs.get(").filter((c) => c.i > restart);
    return [
      { label: "Free the space after a failed write-back", done: freed >= 0 },
      { label: "content.flush() still fails with ENOSPC", done: freed >= 0 && callsAfter(run, "content.flush()", "ENOSPC", freed).length > 0 },
      { label: "A synced put never answers until the instance is killed", done: killed.length > 0 },
      { label: "After the restart, a key synced before the fill reads back", done: reads.some((c) => c.outcome === "ok" && syncedBefore.has(getKeyOf(c.call) ?? "")) },
      { label: "…and the value put on the full disk is gone (ENOENT)", done: reads.some((c) => c.outcome === "ENOENT" && putAfterFill.has(getKeyOf(c.call))) },
    ];
  },
};
