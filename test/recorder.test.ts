/**
 * The page's recorder must record the same history however it is made fast:
 * the frames and hash trees of these scripts are pinned by a hash of their
 * JSON, computed with the recorder as it was before its speed work (engine
 * 0.2.0). A change to what a frame or tree holds, or to the engine, changes
 * them: then check the timeline by eye and pin the new hashes.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { runRecorded, script } from "./helpers.ts";

const PINNED: Record<string, { events: number; frames: number; trees: number; hash: string }> = {
  "first.ts": { events: 363, frames: 125, trees: 11, hash: "9b1020744088e084" },
  "crash-recovery.ts": { events: 383, frames: 140, trees: 11, hash: "fb20ee2ef92dbc4c" },
  "flaky-disk-eio.ts": { events: 242, frames: 100, trees: 8, hash: "67d150c8e92d6b42" },
  "policy-separate-checkpoint-db.ts": { events: 263, frames: 85, trees: 9, hash: "c373cbe8327bdc30" },
  "t0090-content-enospc.ts": { events: 1687, frames: 627, trees: 39, hash: "b8d65a13d6cfa4c0" },
  "freed-space-hang.ts": { events: 639, frames: 284, trees: 20, hash: "99205f02d8d79b89" },
  "dangling-checkpoint-flux-0.66.ts": { events: 270, frames: 107, trees: 10, hash: "24b74547288a69fa" },
  "dangling-0.66-found-by-search.ts": { events: 313, frames: 111, trees: 9, hash: "63f296e8af33003e" },
  "policy-read-only.ts": { events: 326, frames: 124, trees: 9, hash: "51b53b9541d5c187" },
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
    expect({ events: r.trace.length, frames: r.frames.length, trees: Object.keys(r.trees).length, hash: hashOf(r) }).toEqual({ events: 9077, frames: 3827, trees: 400, hash: "e68800f662b2e450" });
  });
});
