import type { TraceEvent } from "../../engine/sim/trace.ts";
import { issue, model, pr, type Lesson, type LessonRun } from "../lesson.ts";
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
The fear of the ENOSPC discussion (#6236): in flux-core 0.66 the kvs wrote its unload checkpoint **without a
flush**. If a blob of the current root never reached the disk, the checkpoint names it anyway: a **dangling
checkpoint**. chu11: *"ENOSPC hits for larger stores, but a checkpoint can get through b/c its smaller on average."*
garlick: *"otherwise - dangling blobrefs and sadness."* After a restart the KVS lists the key, but its blob
is gone.

The starting script fills the disk completely, so even the checkpoint fails. Leave 128 KiB: the 200 kB value
still cannot be written back, but rc3's small writes and the checkpoint fit. Restart and run **fsck** (\`flux fsck\`: walk the
tree from a checkpoint and check every blob is in the database).

What Flux shipped: the kvs flushes before its unload checkpoint (#6240) and \`content.checkpoint-put\` flushes
first and writes nothing if that fails (#6260, 0.77); the 5 newest checkpoints are kept; \`flux fsck\` (#6787)
runs with \`--repair\` in rc1 since 0.80 (#7082). Change the policy to \`"upstream"\` and run again: no
checkpoint is written, and the restart comes back at the last good one (or press **Compare policies**).

*The model:* the \`flux-0.66\` preset differs from 0.88 only where 0.66 did: no flush before the unload checkpoint or in checkpoint-put, one checkpoint row, no fsck at start.
`,
  sources: [
    issue(6236, "what to do on ENOSPC"),
    pr(6240, "kvs: flush before the unload checkpoint"),
    pr(6260, "content: checkpoint-put flushes first"),
    pr(6787, "flux fsck"),
    pr(7082, "fsck --repair in rc1"),
    model("§5", "checkpoints"),
    model("§8", "fsck"),
  ],
  script: "06-dangling-checkpoint",
  hints: [
    "Change `disk.fill()` to `disk.fill(disk.free - 128 * 1024)`.",
    'After the restart: `const report = await flux.fsck(); log(report.ok, report.missing);`',
  ],
  predict: {
    question: 'With 128 KiB left, after the restart under flux-0.66, `kvs.get("big")`…',
    choices: [
      { id: "ok", label: "returns the 200 kB value" },
      { id: "ENOENT", label: "fails with ENOENT: the checkpoint names a blob that is not there" },
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
