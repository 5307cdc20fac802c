import { code, gh, measured, type Lesson } from "../lesson.ts";
import { apiCalls, callsAfter, diskOp, failedWriteBack, putOf } from "../run-facts.ts";

export const diskFills: Lesson = {
  slug: "disk-fills",
  title: "The disk fills",
  text: `
The statedir usually shares its filesystem with other consumers: logs, core dumps, other services. Here
\`disk.fill()\` is such a consumer: it takes every free byte. Flux does not watch free space (though
\`flux module stats content-sqlite\` reports \`dbfile_free\`, a hook for monitoring): SQLite's next write fails
with **ENOSPC** ("No space left on device"), SQLite reports \`SQLITE_FULL\`, and content-sqlite answers the
cache's write with ENOSPC.

What does each layer do then? Answer the question, then do the steps in the script's comments. Each job writes
its jobspec, eventlog and output into the KVS: dozens of blobs (Flux measured about 84 per job).

*The model:* \`disk.fill()\` is a file another consumer wrote; the quota sits in the filesystem under SQLite, so
SQLite finds out as it would in Flux.
`,
  afterRun: `
The cache logs the failed write-back at LOG_CRIT in dmesg (\`content store: No space left on device\`),
remembers the errno and keeps the blob dirty. The KVS never hears of it: its commits only need the cache. In the
ENOSPC discussion (${gh(6236)}, Aug 2024) **garlick**, a flux-core developer (GitHub handle), says of it
*"This is by design"*. So:
- plain commits and jobs go on succeeding, and dirty bytes grow (the orange area on the chart);
- \`content.flush\` fails with ENOSPC as long as no write-back has succeeded since the failure, and so does a
  synced commit (it flushes first), whose changes are then not applied.
`,
  path: ["upstream"],
  sources: [
    code("src/modules/content/cache.c", "cache_store_continuation: LOG_CRIT, flush_errno, the entry stays dirty"),
    code("src/modules/content-sqlite/content-sqlite.c", "SQLITE_FULL is ENOSPC; stats report dbfile_size and dbfile_free"),
    code("t/t0090-content-enospc.t", "flux-core's own test: jobs run, flush and --sync fail"),
    measured("statedir 100% full: put succeeds, flush and --sync fail with ENOSPC, jobs run"),
  ],
  realFlux: {
    caption: "flux-core 0.88 with its statedir 100% full",
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
    {
      text: 'After the fill: `await attempt("put big", kvs.put("big", bytes(100_000))); await sim.settle();`',
      edit: { find: "log(`disk: ${disk.used} of ${disk.quota} bytes used`);", replace: 'log(`disk: ${disk.used} of ${disk.quota} bytes used`);\nawait attempt("put big", kvs.put("big", bytes(100_000)));\nawait sim.settle();' },
    },
    {
      text: '`await attempt("flush", content.flush());` and `await attempt("put --sync", kvs.put("c", 3, { sync: true }));`',
      edit: { find: "await sim.settle();\n", replace: 'await sim.settle();\nawait attempt("flush", content.flush());\nawait attempt("put --sync", kvs.put("c", 3, { sync: true }));\n' },
    },
    {
      text: '`await attempt("job", jobs.submit(1));` runs one job; `log(flux.dmesg({ level: "err" }).slice(0, 4));` shows what an admin sees.',
      edit: { find: 'kvs.put("c", 3, { sync: true }));\n', replace: 'kvs.put("c", 3, { sync: true }));\nawait attempt("job", jobs.submit(1));\nlog(flux.dmesg({ level: "err" }).slice(0, 4));\n' },
    },
  ],
  predict: {
    question: 'The disk is 100% full. What does `kvs.put("big", bytes(100_000))` do?',
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
    why: "The commit needs only the cache's answers; the write-back that fails comes later and the KVS never hears of it.",
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
