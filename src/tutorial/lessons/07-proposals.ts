import { issue, model, pr, type Lesson } from "../lesson.ts";
import { apiCalls, brokerState, diskOp, diskRefused, firstIndex, getKeyOf, isLog, putOf, restartAfter } from "../run-facts.ts";

const PROPOSALS = ["read-only", "fail-hard", "rc3-hold", "separate-checkpoint-db", "reserve"];

export const proposals: Lesson = {
  slug: "proposals",
  title: "The proposals from #6236",
  text: `
The ENOSPC discussion (#6236, Aug 2024) put forward several designs. Each is a **policy** here; the script runs
the same story under one: the disk fills (32 KiB left), a 200 kB value is put, the admin shuts down, frees the
space, starts again and reads the value back.

| policy | the idea | who |
|---|---|---|
| \`read-only\` | backing store, cache and kvs go read-only; commits get **EROFS**; reads work; \`flux.readWrite()\` once space is free | garlick |
| \`fail-hard\` | the first ENOSPC stops the instance; a plain restart recovers the last good checkpoint | garlick, kkier |
| \`rc3-hold\` | shutdown holds in rc3, before the kvs unloads, until there is free space | garlick |
| \`separate-checkpoint-db\` | checkpoints in a small preallocated database, journaling off | chu11 |
| \`reserve\` | a reserve file released at the first ENOSPC (PR #6217, set aside) | chu11 |

**Predict** what each one does with \`big\`, then change the policy line and run. The goal: keep \`big\`
across the restart under one of the proposals. (**Compare policies**, above the editor, runs the script under every policy at once, side by side.)

*The model:* these proposals were never built in Flux; each policy is one reading of the discussion, a set of knobs in \`src/engine/policy/\`.
`,
  sources: [issue(6236, "what to do on ENOSPC"), pr(6217, "space reservation"), model("§12", "the designs discussed")],
  realFlux: {
    caption: "flux-core 0.88 shut down with its disk full: what upstream does today (flux-model.md §11.8)",
    lines: [
      "kvs.err: error saving primary KVS checkpoint: No space left on device",
      "kvs.crit: module exiting abnormally",
      "broker.err: kvs: No space left on device",
      "broker.err: rc3.0: content-flush: [Errno 28] No space left on device",
      "broker.err: rc3.0: flux modprobe rc3 Exited (rc=1)",
      "broker module 'content' was not properly shut down",
    ].join("\n"),
  },
  script: "07-proposals",
  hints: [
    "Only the `policy:` in `scenario({...})` needs to change (or pick one in the toolbar's policy menu).",
    "A policy that keeps the dirty blobs until there is space, and flushes before the kvs unloads, keeps `big`.",
    '`policy: "rc3-hold"` does; so does `"reserve"` here (its 256 KiB reserve is enough for 200 kB).',
  ],
  predict: {
    question: "Under `rc3-hold`, where is the instance 5 s into the shutdown, with the disk still full?",
    choices: [
      { id: "down", label: "down: rc3 failed, flux start exited 1" },
      { id: "hold", label: "hold: waiting in rc3 for free space" },
      { id: "rc3", label: "rc3: hung on a flush that never ends" },
    ],
    reveal: (run) => {
      if (run.result.policy !== "rc3-hold") return undefined;
      const rc3 = brokerState(run, "rc3");
      if (rc3 < 0) return undefined;
      return brokerState(run, "hold", rc3) >= 0 ? "hold" : brokerState(run, "down", rc3) >= 0 ? "down" : "rc3";
    },
    why: "rc3-hold waits before the kvs unloads while the flush fails for lack of space; once space is free it flushes, checkpoints and exits 0.",
  },
  goal: (run) => {
    const fill = diskOp(run, "fill");
    const refused = diskRefused(run, Math.max(0, fill));
    const stopped = Math.max(brokerState(run, "down", Math.max(0, refused)), brokerState(run, "failed", Math.max(0, refused)));
    const restart = refused >= 0 && stopped >= 0 ? restartAfter(run, stopped) : -1;
    const putOnFullDisk = new Set(apiCalls(run, "kvs.put(").filter((c) => c.outcome === "ok" && c.i > fill && fill >= 0).map((c) => putOf(c.call)?.key));
    const reads = restart < 0 ? [] : apiCalls(run, "kvs.get(").filter((c) => c.i > restart);
    const fsck = restart < 0 ? [] : apiCalls(run, "flux.fsck(").filter((c) => c.i > restart && c.outcome === "ok");
    return [
      { label: "Run under one of the #6236 proposals", done: PROPOSALS.includes(run.result.policy) },
      { label: "SQLite meets the full disk (a write refused: ENOSPC)", done: refused >= 0 },
      { label: "The instance stops and starts again", done: restart >= 0 },
      { label: "The value put on the full disk reads back after the restart", done: reads.some((c) => c.outcome === "ok" && putOnFullDisk.has(getKeyOf(c.call))) },
      { label: "fsck is clean after the restart", done: fsck.length > 0 && firstIndex(run, isLog("fsck", "err", /./), restart) < 0 },
    ];
  },
};
