import { model, type Lesson } from "../lesson.ts";
import { apiCalls, callsAfter, diskOp, failedWriteBack, putOf } from "../run-facts.ts";

export const diskFills: Lesson = {
  slug: "disk-fills",
  title: "The disk fills",
  text: `
The statedir usually shares its filesystem with other consumers: logs, core dumps, other services. Here
\`disk.fill()\` is such a consumer: it takes every free byte. Nobody tells Flux: SQLite's next write fails with
**ENOSPC** ("No space left on device"), SQLite reports \`SQLITE_FULL\`, and content-sqlite answers the cache's
write-back with ENOSPC.

What does each layer do then? The cache logs the failure at LOG_CRIT in the broker's log (**dmesg**), remembers
the errno and keeps the blob dirty. The KVS never hears of it: its commits only need the cache. So:
- plain commits and jobs go on succeeding, and dirty bytes grow (watch the orange area grow on the chart);
- \`content.flush\` fails with ENOSPC, and so does a synced commit (it flushes first), whose changes are not applied.

Do the steps in the script's comments. Each job writes its jobspec, eventlog and output into the KVS: dozens
of blobs (Flux measured about 84 per job).

*The model:* \`disk.fill()\` is a file another consumer wrote; the quota sits in the filesystem under SQLite, so SQLite finds out as it would in Flux.
`,
  sources: [model("§3", "a failed write-back"), model("§10", "flux-core's t0090-content-enospc.t"), model("§11 1–5", "observed on flux-core 0.88"), model("§13 A", "jobs until ENOSPC")],
  realFlux: {
    caption: "flux-core 0.88 with its statedir 100% full (flux-model.md §11.2–4)",
    lines: [
      "$ flux kvs put --raw big=- < 100kB-of-random   # succeeds",
      "content-sqlite.err: store: executing stmt: database or disk is full(13)",
      "content.crit: content store: No space left on device",
      "$ flux content flush",
      "flux-content: content.flush: No space left on device",
      "$ flux kvs put --sync c=3",
      "flux-kvs: flux_kvs_commit: No space left on device",
      "$ flux kvs get c",
      "c: No such file or directory",
    ].join("\n"),
  },
  script: "04-disk-fills",
  hints: [
    'After the fill: `await attempt("put big", kvs.put("big", bytes(100_000))); await sim.settle();`',
    '`await attempt("flush", content.flush());` and `await attempt("put --sync", kvs.put("c", 3, { sync: true }));`',
    '`await attempt("job", jobs.submit(1));` runs one job; `flux.dmesg({ level: "err" })` lists what an admin sees.',
  ],
  predict: {
    question: "The disk is 100% full. What does `kvs.put(\"big\", bytes(100_000))` do?",
    choices: [
      { id: "ok", label: "It succeeds" },
      { id: "ENOSPC", label: "It fails with ENOSPC" },
      { id: "hang", label: "It never answers" },
    ],
    reveal: (run) => {
      const fill = diskOp(run, "fill");
      if (fill < 0) return undefined;
      const put = apiCalls(run, "kvs.put(").find((c) => c.i > fill && putOf(c.call)?.sync === false);
      return put ? (put.outcome === "ok" || put.outcome === "ENOSPC" ? put.outcome : "hang") : undefined;
    },
    why: "The commit needs only the cache's answers; the write-back that fails comes later and the KVS never hears of it (#6236, garlick: \"This is by design\").",
  },
  goal: (run) => {
    const fill = diskOp(run, "fill");
    const failed = failedWriteBack(run, Math.max(0, fill));
    const after = (prefix: string, outcome: string, from: number) => from >= 0 && callsAfter(run, prefix, outcome, from).length > 0;
    return [
      { label: "Another consumer fills the disk", done: fill >= 0 },
      {
        label: "A commit succeeds on the full disk",
        done: fill >= 0 && callsAfter(run, "kvs.put(", "ok", fill).some((c) => putOf(c.call)?.sync === false),
      },
      { label: "dmesg: content store: No space left on device", done: failed >= 0 },
      { label: "content.flush() fails with ENOSPC", done: after("content.flush()", "ENOSPC", fill) },
      { label: "A synced put fails with ENOSPC", done: fill >= 0 && callsAfter(run, "kvs.put(", "ENOSPC", fill).some((c) => putOf(c.call)?.sync) },
      { label: "A job still runs after the failed write-back", done: after("jobs.submit(", "ok", failed) },
    ];
  },
};
