/**
 * The page's recorder must record the same history however it is made fast:
 * the frames and hash trees of these scripts are pinned by a hash of their
 * JSON, computed with the recorder as it was before its speed work (engine
 * 0.2.0; re-pinned for 0.3.0's rc1 and rc3 order, for 0.4.0's liblz4 block sizes, and for jobs' FLUID ids,
 * environment-free jobspec and event times (t0090 one frame more), with the same
 * counts of events, frames and trees; for objects keyed by the raw digest as flux-core keys them (smaller
 * database pages: t0090 two failed write-backs and 6 events fewer, their database 1,888,256 -> 1,540,096 bytes);
 * and for the statedir counted in tmpfs's 4 KiB pages (issue #19: every frame's disk figures move, the same
 * events; a frame more where a write crossed into a new page); and for the trees kept past the first 400 roots at
 * markers and at the end (issue 24: 450 puts keep one tree more, the last root's; the other scripts publish fewer
 * than 400 roots and keep what they kept); and for rc1's fsck printing as rc1.py's `flux fsck` does on a test instance too
 * (one `rc1.0: Checking integrity of checkpoint from ...` log event at each start after the first, the same frames and
 * trees)). A change to what a frame or tree holds, or to the engine, changes
 * them: then check the timeline by eye and pin the new hashes.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { runRecorded, script } from "./helpers.ts";
import { markersOf } from "../src/ui/chart/chart-data.ts";
import { lastAtOrBefore } from "../src/ui/history.ts";
import { MAX_MARKER_TREES, MAX_TREES } from "../src/worker/protocol.ts";
import { BIG_RUN } from "../bench/workloads.ts";

const PINNED: Record<string, { events: number; frames: number; trees: number; hash: string }> = {
  "first.ts": { events: 373, frames: 128, trees: 11, hash: "6ca311bf8edfef81" },
  "crash-recovery.ts": { events: 403, frames: 146, trees: 11, hash: "34c06a8da88256d5" },
  "flaky-disk-eio.ts": { events: 252, frames: 103, trees: 8, hash: "6b08dd46741a0ad3" },
  "policy-separate-checkpoint-db.ts": { events: 263, frames: 85, trees: 9, hash: "91afd86ab9d8e49e" },
  "t0090-content-enospc.ts": { events: 1681, frames: 627, trees: 39, hash: "439e48a51c2e3a92" },
  "freed-space-hang.ts": { events: 649, frames: 288, trees: 20, hash: "9a40538e9ca5fdb4" },
  "dangling-checkpoint-flux-0.66.ts": { events: 279, frames: 110, trees: 10, hash: "e1b7777c8d128479" },
  "dangling-0.66-found-by-search.ts": { events: 428, frames: 145, trees: 9, hash: "777a98dc2db03443" },
  "policy-read-only.ts": { events: 336, frames: 127, trees: 9, hash: "5d27c57707fae1d0" },
};

/** Enough commits to reach the recorder's cap on trees (400) and reuse decoded directories across roots. */
const MANY_PUTS = `await flux.start();\nfor (let i = 0; i < 450; i++) await kvs.put("job.k" + (i % 40) + ".v" + i, bytes(300));\nawait sim.settle();\n`;

function hashOf(r: { frames: unknown; trees: unknown }): string {
  return createHash("sha256").update(JSON.stringify({ frames: r.frames, trees: r.trees })).digest("hex").slice(0, 16);
}

describe("the recorder's history", () => {
  for (const [name, pinned] of Object.entries(PINNED)) {
    it(`is unchanged for ${name}`, async () => {
      const r = await runRecorded(script(`playground-scripts/${name}`));
      expect({ events: r.trace.length, frames: r.frames.length, trees: Object.keys(r.trees).length, hash: hashOf(r) }).toEqual(pinned);
    });
  }

  it("is unchanged for 450 puts (past the cap on trees)", async () => {
    const r = await runRecorded(MANY_PUTS);
    expect(r.trees[r.frames.at(-1)!.kvs!.rootref], "the last root's tree").toBeDefined();
    expect({ events: r.trace.length, frames: r.frames.length, trees: Object.keys(r.trees).length, hash: hashOf(r) }).toEqual({ events: 9077, frames: 3839, trees: 401, hash: "dcb60fba11b4dbb9" });
  });

  it("is unchanged for the page bench's big run (2 150 puts: trees taken from earlier walks of their directories)", async () => {
    // pinned with the recorder before tree-capture.ts, which walked every tree whole: the directories that grow cut
    // the budget of those after them, and write-backs move blobs to disk between trees
    const r = await runRecorded(BIG_RUN);
    expect({ events: r.trace.length, frames: r.frames.length, trees: Object.keys(r.trees).length, hash: hashOf(r) }).toEqual({ events: 55688, frames: 19550, trees: 403, hash: "407148aae09300ce" });
  }, 60_000);

  it("sends the end's tree when everything before it has gone out already (a chunk sent at the last event)", async () => {
    // the clock may send a chunk right at the run's last event (it did under load: the stress run's 9th round); end() follows with no event
    const r = await runRecorded(MANY_PUTS, { chunkAtLastEvent: true });
    expect(r.trees[r.frames.at(-1)!.kvs!.rootref], "the last root's tree").toBeDefined();
  });

  it("keeps the trees of every marker's roots past the first 400 roots (a crash, a start, checkpoints, ENOSPC, the end)", async () => {
    const text = `scenario({ disk: "16 MiB" });\nawait flux.start();\nfor (let i = 0; i < 420; i++) await kvs.put("k" + (i % 40), i);\nawait flux.crash();\nawait flux.start();\nawait kvs.put("after", 1);\ndisk.fill();\nfor (let i = 0; i < 5; i++) await kvs.put("big" + i, bytes(60000), { sync: true }).catch(() => {});\nawait sim.settle();\n`;
    const r = await runRecorded(text);
    // where the run's 401st root appeared: past it, only markers keep trees
    const roots = new Set<string>();
    const pastCap = r.frames.find((f) => f.kvs && roots.add(f.kvs.rootref).size > MAX_TREES)!.i;
    const late = markersOf(r.trace, r.frames).filter((m) => m.i > pastCap);
    expect(new Set(late.map((m) => m.kind))).toEqual(new Set(["crash", "start", "checkpoint", "enospc"]));
    for (const m of late) {
      const frame = lastAtOrBefore(r.frames, m.i)!;
      if (frame.kvs) expect(r.trees[frame.kvs.rootref], `${m.label} at event ${m.i + 1}`).toBeDefined();
      if (frame.checkpoint) expect(r.trees[frame.checkpoint.rootref], `the checkpoint at ${m.label}`).toBeDefined();
    }
    expect(r.trees[r.frames.at(-1)!.kvs!.rootref], "the end's root").toBeDefined();
    expect(Object.keys(r.trees).length).toBeLessThanOrEqual(MAX_TREES + MAX_MARKER_TREES);
  });
});
