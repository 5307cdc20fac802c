import { model, type Lesson } from "../lesson.ts";
import { apiCalls, frameAt } from "../run-facts.ts";

const dirtyAt = (run: Parameters<Lesson["goal"]>[0], i: number) => frameAt(run, i)?.cache?.dirty ?? 0;

export const writeBack: Lesson = {
  slug: "write-back",
  title: "Write-back",
  text: `
The content cache is a **write-back** cache: \`content.store\` answers with the blobref as soon as the blob is in
memory. The blob is then **dirty** (not yet in the database), and the cache writes it back to content-sqlite
afterwards, up to 256 writes in flight. A KVS commit answers when the cache has answered every store of the
commit: when its blobs are *cached*, not when they are on disk.

A **flush** (\`content.flush\`, \`flux content flush\`) asks the cache to write back every dirty blob and answers
when none is left.

Run the script and look at the **chart** at the foot of the page: in its lower lane the orange area is the
dirty bytes and the grey one the cache's size; its upper lane stacks the files on disk. Drag over the chart
(or use the slider, or \`[\` and \`]\` to jump between markers) to see every panel as it was at that moment.

*The model:* time is virtual and each message takes about 10 µs, so a write-back that takes
milliseconds in Flux takes a fraction of one here; the order of events is what matters.
`,
  sources: [model("§3", "content.store answers at once; write-back; flush"), model("§6", "a commit answers when its stores are cached")],
  script: "02-write-back",
  hints: [
    "Put `log(await content.stats());` on the line right after `await kvs.put(...)`.",
    "Keep a second `log(await content.stats());` after `await sim.settle();`: the goal needs a reading while dirty and one after.",
  ],
  predict: {
    question: "When does `kvs.put` of 300 kB answer?",
    choices: [
      { id: "cached", label: "When its blobs are in the cache (still dirty)" },
      { id: "on-disk", label: "When its blobs are in the database" },
      { id: "checkpoint", label: "When a checkpoint names the new root" },
    ],
    reveal: (run) => {
      const put = apiCalls(run, "kvs.put(").find((c) => c.outcome === "ok");
      return put ? (dirtyAt(run, put.i) > 0 ? "cached" : "on-disk") : undefined;
    },
    why: "The cache answers a store at once and writes the blob back afterwards (cache.c); the commit waits only for those answers.",
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
