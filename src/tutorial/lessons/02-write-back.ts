import { code, type Lesson } from "../lesson.ts";
import { apiCalls, frameAt } from "../run-facts.ts";

const dirtyAt = (run: Parameters<Lesson["goal"]>[0], i: number) => frameAt(run, i)?.cache?.dirty ?? 0;

export const writeBack: Lesson = {
  slug: "write-back",
  title: "Write-back",
  text: `
A commit stores its new blobs in the content cache, and the blobs must end up in content-sqlite's database.
When does \`kvs.put\` answer: when the cache has the blobs, or when the database has them?

Run the script and look at the **chart** at the foot of the page: its lower lane shows the dirty bytes (orange)
and the cache's size (grey); its upper lane stacks the files on disk. Drag over the chart (or use the slider, or
\`[\` and \`]\` to jump between markers) to see every panel as it was at that moment. Then do the step in the
script's comment.

*The model:* time is virtual and each message takes about 10 µs, so a write that takes milliseconds in Flux
takes a fraction of one here; the order of events is what matters.
`,
  afterRun: `
On rank 0 the content cache is a **write-back** cache: \`content.store\` answers with the blobref as soon as the
blob is in memory, and the cache writes it to content-sqlite afterwards, up to 256 writes in flight. A commit
answers when the cache has answered every store of the commit: when its blobs are *cached*, not on disk. (Caches
on the other ranks write through to their parent; only rank 0 writes back.)
`,
  path: ["upstream"],
  sources: [
    code("src/modules/content/cache.c", "cache_store: write-back on rank 0, write-through elsewhere; flush_batch_limit 256"),
    code("src/modules/kvs/kvstxn.c", "a commit waits for its content.store answers"),
  ],
  script: "02-write-back",
  hints: [
    {
      text: "Put `log(await content.stats());` on the line right after `await kvs.put(...)`.",
      edit: { find: 'await kvs.put("data", bytes(300_000));', replace: 'await kvs.put("data", bytes(300_000));\nlog(await content.stats());' },
    },
  ],
  predict: {
    question: "When does `kvs.put` of 300 kB answer?",
    choices: [
      { id: "cached", label: "When its blobs are in the cache (still dirty)" },
      { id: "on-disk", label: "When its blobs are in the database" },
      { id: "root-on-disk", label: "When the new root is on disk too" },
    ],
    reveal: (run) => {
      const put = apiCalls(run, "kvs.put(").find((c) => c.outcome === "ok");
      return put ? (dirtyAt(run, put.i) > 0 ? "cached" : "on-disk") : undefined;
    },
    why: "The cache answers a store at once and writes the blob back afterwards; the commit waits only for those answers.",
  },
  goal: (run) => {
    const stats = apiCalls(run, "content.stats()").filter((c) => c.outcome === "ok");
    const whileDirty = stats.find((c) => dirtyAt(run, c.i) > 0);
    const peak = run.frames.reduce((max, f) => Math.max(max, f.cache?.dirtyBytes ?? 0), 0);
    return [
      { label: "Dirty bytes reach 100 kB (a large put)", done: peak >= 100_000 },
      { label: "A kvs.put answered while its blobs were dirty", done: apiCalls(run, "kvs.put(").some((c) => c.outcome === "ok" && dirtyAt(run, c.i) > 0) },
      { label: "Read content.stats() while blobs were dirty", done: whileDirty !== undefined },
      { label: "Read it again once they drained to disk (dirty 0)", done: !!whileDirty && stats.some((c) => c.i > whileDirty.i && dirtyAt(run, c.i) === 0) },
    ];
  },
};
