import { code, measured, type Lesson, type LessonRun } from "../lesson.ts";
import { apiCalls, callsAfter, diskOp, failedWriteBack, getKeyOf, putOf, restartAfter } from "../run-facts.ts";

/** The first flush after space was freed and a later write succeeded: the flush that no longer fails at once. */
function flushAfterAGoodWrite(run: LessonRun) {
  const freed = diskOp(run, "remove");
  const put = freed < 0 ? undefined : callsAfter(run, "kvs.put(", "ok", freed)[0];
  return put ? apiCalls(run, "content.flush()").find((c) => c.i > put.i) : undefined;
}

export const freeingSpace: Lesson = {
  slug: "freeing-space",
  title: "Freeing space does not heal",
  text: `
The admin sees the dmesg lines and deletes the file that filled the disk. Does Flux recover by itself?

Do the steps in the script's comments: a flush, one more plain put, a flush again, a synced put, then the admin
kills the instance and starts it. \`sim.advance(60_000)\` lets a virtual minute pass; a call that is not awaited
yet keeps running meanwhile.
`,
  afterRun: `
In flux-core 0.88 a blob whose write-back failed **stays dirty and is not put back on the flush list**: it is
**stranded** (the stack panel counts them), and nothing writes it again unless the same bytes are stored again.
A flush with nothing in flight fails at once with the remembered errno, though the disk has room now. The first
write-back that succeeds afterwards (here \`e\`'s) clears that errno, and from then on a flush *waits* for the
stranded blob, which normally never comes (only another failing write-back would answer it).

A synced commit flushes, so it never answers either; commits to a **namespace** (a KVS of its own; the primary
one holds the instance's state) are processed in order, so every later commit to the primary namespace waits
too, and with it new jobs. Reads still work. A \`checkpoint-period\` does the same by itself: its next checkpoint
flushes and blocks the primary namespace with no user \`--sync\`.

A restart alone comes back at the last good checkpoint: everything after it is lost. Before killing the
instance an admin could still **dump** the live KVS (\`flux dump\` writes it to an archive; the dirty blobs are in
rank 0's memory, never dropped) to *another* filesystem, and start from it with \`-Scontent.restore=<file>\`.
This follows from flux-core's code; this project has not run it, and the playground has no dump.
`,
  path: ["upstream"],
  sources: [
    code("src/modules/content/cache.c", "cache_store_continuation: a failed entry stays dirty, off the flush list"),
    code("src/modules/content/cache.c", "content_flush_request: fails at once only with nothing in flight and flush_errno set"),
    code("src/modules/kvs/kvstxn.c", "kvstxn_mgr_transaction_ready: commits of one namespace in order"),
    code("src/cmd/builtin/dump.c", "flux dump reads the current root unless --checkpoint"),
    measured("space freed while running: flush ENOSPC, then after one more put flush and --sync hang; restart loses big"),
    { label: `flux-core #6236: the discussion, on dumping a stuck instance`, href: "https://github.com/flux-framework/flux-core/issues/6236" },
  ],
  realFlux: {
    caption: "flux-core 0.88 after the fill file was removed",
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
    {
      text: '`await attempt("flush", content.flush());` right after the `log(...)` of the disk.',
      edit: { find: "dirty: ${(await content.stats()).dirty}`);", replace: 'dirty: ${(await content.stats()).dirty}`);\nawait attempt("flush", content.flush());' },
    },
    {
      text: '`await attempt("put e", kvs.put("e", 5)); const flush = attempt("flush again", content.flush()); await sim.advance(60_000);`',
      edit: { find: 'await attempt("flush", content.flush());\n', replace: 'await attempt("flush", content.flush());\nawait attempt("put e", kvs.put("e", 5));\nconst flush = attempt("flush again", content.flush());\nawait sim.advance(60_000);\n' },
    },
    {
      text: '`const sync = attempt("put --sync", kvs.put("d", 4, { sync: true })); await sim.advance(60_000);`',
      edit: { find: "await sim.advance(60_000);\n", replace: 'await sim.advance(60_000);\nconst sync = attempt("put --sync", kvs.put("d", 4, { sync: true }));\nawait sim.advance(60_000);\n' },
    },
    {
      text: '`flux.crash(); await flush; await sync; await flux.start();` then `await attempt("get a", kvs.get("a")); await attempt("get big", kvs.get("big"));`',
      edit: {
        find: 'kvs.put("d", 4, { sync: true }));\nawait sim.advance(60_000);\n',
        replace: 'kvs.put("d", 4, { sync: true }));\nawait sim.advance(60_000);\nflux.crash();\nawait flush;\nawait sync;\nawait flux.start();\nawait attempt("get a", kvs.get("a"));\nawait attempt("get big", kvs.get("big"));\n',
      },
    },
  ],
  predict: {
    question: "Space is free. The first flush failed at once with ENOSPC; then one more plain put succeeded. What does the next `content.flush()` do?",
    choices: [
      { id: "ok", label: "It writes the dirty blobs back and succeeds" },
      { id: "ENOSPC", label: "It fails at once with ENOSPC again" },
      { id: "hang", label: "It never answers" },
    ],
    reveal: (run) => {
      const flush = flushAfterAGoodWrite(run);
      return flush ? (flush.outcome === "ok" || flush.outcome === "ENOSPC" ? flush.outcome : "hang") : undefined;
    },
    why: "The good write cleared the remembered errno, so the flush no longer fails: it waits for a blob nothing will write.",
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
      { label: "After one more good write, a flush never answers until the instance is killed", done: flushAfterAGoodWrite(run)?.outcome === "ECONNRESET" },
      { label: "A synced put never answers until the instance is killed", done: killed.length > 0 },
      { label: "After the restart, a key synced before the fill reads back", done: reads.some((c) => c.outcome === "ok" && syncedBefore.has(getKeyOf(c.call) ?? "")) },
      { label: "…and the value put on the full disk is gone (ENOENT)", done: reads.some((c) => c.outcome === "ENOENT" && putAfterFill.has(getKeyOf(c.call))) },
    ];
  },
};
