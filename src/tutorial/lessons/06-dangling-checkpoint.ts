import type { TraceEvent } from "../../engine/sim/trace.ts";
import { code, gh, issue, pr, type Lesson, type LessonRun } from "../lesson.ts";
import { apiCalls, failedWriteBack, firstIndex, frameAt, isLog, restartAfter } from "../run-facts.ts";

/** The first checkpoint written after a failed write-back while blobs were still dirty: the one that may dangle. */
function riskyCheckpoint(run: LessonRun): { i: number; rootref: string } | undefined {
  const failed = failedWriteBack(run);
  if (failed < 0) return undefined;
  let previous = frameAt(run, failed)?.checkpoint?.rootref;
  for (const frame of run.frames) {
    if (frame.i <= failed || !frame.checkpoint) continue;
    if (frame.checkpoint.rootref !== previous && (frame.cache?.dirty ?? 0) > 0) return { i: frame.i, rootref: frame.checkpoint.rootref };
    previous = frame.checkpoint.rootref;
  }
  return undefined;
}

/** Whether the first start after event `from` restored the root `rootref`: the first root its rc1 published. */
function restored(run: LessonRun, from: number, rootref: string): boolean {
  const start = apiCalls(run, "flux.start()").find((c) => c.i > from && c.outcome === "ok");
  if (!start) return false;
  let rc1 = start.i;
  while (rc1 > from && !isBrokerState(run.events[rc1]!, "rc1")) rc1--;
  const root = firstIndex(run, (e) => e.kind === "state" && e.subject === "kvs.root", rc1);
  const event = run.events[root];
  return root >= 0 && root < start.i && event?.kind === "state" && event.value.endsWith(` ${rootref}`);
}

const isBrokerState = (e: TraceEvent, value: string) => e.kind === "state" && e.subject === "broker" && e.value === value;

export const danglingCheckpoint: Lesson = {
  slug: "dangling-checkpoint",
  title: "The dangling checkpoint",
  text: `
The fear of the ENOSPC discussion (${gh(6236)}): in flux-core 0.66 the kvs wrote its unload checkpoint **without a
flush**. If a blob of the current root never reached the disk, what does the checkpoint name?

The starting script runs under the \`flux-0.66\` **policy** (the playground's name for a set of behaviours:
\`upstream\` is flux-core 0.88). It fills the disk completely, so even the checkpoint fails. Leave 128 KiB
instead: the 200 kB value still cannot be written back, but rc3's small writes and the checkpoint fit. Then
restart and run \`flux fsck\`.

*The model:* the \`flux-0.66\` policy differs from 0.88 mainly where 0.66 did: no flush before the unload
checkpoint or in checkpoint-put, one checkpoint row, no fsck at start. 0.66 had no fsck at all (it came in 0.75):
here 0.88's \`flux fsck\` is run on the 0.66 statedir as a probe. rc3 here stops at its first failing step, as
0.88's does; 0.66's rc3 (a shell script) went on after one.
`,
  afterRun: `
The checkpoint names the blob anyway: a **dangling checkpoint**. After the restart the KVS lists the key, but its
blob is gone. **chu11**, the flux-core developer (GitHub handle) who opened the discussion: *"ENOSPC hits for
larger stores, but a checkpoint can get through b/c its smaller on average."* garlick: *"otherwise - dangling
blobrefs and sadness."* A missing *directory* blob loses its whole subtree (garlick: *"you could easily lose the
entire jobs directory"*), and 0.66 kept one checkpoint row, overwritten each time: no older one to fall back to.

What Flux shipped: since 0.77 \`content.checkpoint-put\` flushes first and writes nothing if that fails
(${gh(6260)}; ${gh(6240)} had added the flush in the kvs, and ${gh(6260)}, merged the same day, moved it into the
content module, so no release had the kvs-side one). The 5 newest checkpoints are kept. \`flux fsck\` came in 0.75
(${gh(6787)}), \`--repair\` in 0.78 (${gh(6953)}), and rc1 runs \`flux fsck --repair\` since 0.80 (${gh(7082)}).
Change the policy to \`"upstream"\` and run again: no checkpoint is written, and the restart comes back at the
last good one (or press **Compare policies**). Your goal stays as this run left it.
`,
  path: ["flux-0.66"],
  sources: [
    issue(6236, "what to do on ENOSPC"),
    pr(6240, "kvs: flush before the unload checkpoint (superseded by #6260 the same day)"),
    pr(6260, "content: checkpoint-put flushes first (0.77)"),
    pr(6787, "flux fsck (0.75)"),
    pr(6953, "flux fsck --repair (0.78)"),
    pr(7082, "rc1 runs fsck --repair (0.80)"),
    code("src/modules/content/checkpoint.c", "content_checkpoint_put_request → checkpoint_content_flush"),
    code("src/cmd/builtin/fsck.c", "walk the tree from a checkpoint, report missing blobs"),
  ],
  script: "06-dangling-checkpoint",
  hints: [
    {
      text: "Change `disk.fill()` to `disk.fill(disk.free - 128 * 1024)`.",
      edit: { find: "const filler = disk.fill();", replace: "const filler = disk.fill(disk.free - 128 * 1024);" },
    },
    {
      text: 'After the restart: `const report = await flux.fsck(); log(report.ok, report.missing);`',
      edit: {
        find: 'log("big →", await kvs.get("big").then(() => "ok", (e: Error) => e.message));',
        replace: 'log("big →", await kvs.get("big").then(() => "ok", (e: Error) => e.message));\nconst report = await flux.fsck();\nlog(report.ok, report.missing);',
      },
    },
  ],
  predict: {
    question: 'With 128 KiB left, after the restart under flux-0.66, `kvs.get("big")`…',
    choices: [
      { id: "ok", label: "returns the 200 kB value" },
      { id: "ENOENT", label: "fails with ENOENT" },
      { id: "refused", label: "never runs: the instance refuses to start" },
    ],
    reveal: (run) => {
      const risky = riskyCheckpoint(run);
      if (!risky) return undefined;
      const start = apiCalls(run, "flux.start()").find((c) => c.i > risky.i);
      if (start && start.outcome !== "ok") return "refused";
      return apiCalls(run, 'kvs.get("big")').find((c) => start && c.i > start.i)?.outcome === "ok" ? "ok" : "ENOENT";
    },
    why: "0.66 writes the unload checkpoint without flushing: it fits in 128 KiB, the 200 kB blob does not, so the restored root names a blob the database never got.",
  },
  goal: (run) => {
    const risky = riskyCheckpoint(run);
    const restart = risky ? restartAfter(run, risky.i) : -1;
    return [
      { label: "Run under policy flux-0.66", done: run.result.policy === "flux-0.66" },
      { label: "A checkpoint is written while a failed blob is still dirty", done: risky !== undefined },
      { label: "The restart restores that checkpoint", done: risky !== undefined && restored(run, risky.i, risky.rootref) },
      { label: "fsck reports the missing blob", done: restart >= 0 && firstIndex(run, isLog("fsck", "err", /missing/), restart) >= 0 },
    ];
  },
};
