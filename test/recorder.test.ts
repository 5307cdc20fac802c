/**
 * The page's recorder must record the same history however it is made fast:
 * the frames and hash trees of these scripts are pinned by a hash of their
 * JSON, computed with the recorder as it was before its speed work (engine
 * 0.2.0; re-pinned for 0.3.0's rc1 and rc3 order, for 0.4.0's liblz4 block sizes, and for jobs' FLUID ids,
 * environment-free jobspec and event times (t0090 one frame more), with the same
 * counts of events, frames and trees; and for objects keyed by the raw digest as flux-core keys them (smaller
 * database pages: t0090 two failed write-backs and 6 events fewer, 450 puts 12 frames more, their database
 * 1,888,256 -> 1,540,096 bytes)). A change to what a frame or tree holds, or to the engine, changes
 * them: then check the timeline by eye and pin the new hashes.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { runRecorded, script } from "./helpers.ts";

const PINNED: Record<string, { events: number; frames: number; trees: number; hash: string }> = {
  "first.ts": { events: 372, frames: 127, trees: 11, hash: "18d475f7852308cb" },
  "crash-recovery.ts": { events: 401, frames: 146, trees: 11, hash: "cf64a7d8ba68ecf9" },
  "flaky-disk-eio.ts": { events: 251, frames: 103, trees: 8, hash: "a3b595361839011b" },
  "policy-separate-checkpoint-db.ts": { events: 263, frames: 84, trees: 9, hash: "cfc80ee3f490caf7" },
  "t0090-content-enospc.ts": { events: 1681, frames: 627, trees: 39, hash: "1929ce416acef9e7" },
  "freed-space-hang.ts": { events: 648, frames: 287, trees: 20, hash: "88362f2ff980b2a4" },
  "dangling-checkpoint-flux-0.66.ts": { events: 279, frames: 110, trees: 10, hash: "0b4bfb2744f4fb1b" },
  "dangling-0.66-found-by-search.ts": { events: 428, frames: 145, trees: 9, hash: "4c09906ccbc3d499" },
  "policy-read-only.ts": { events: 335, frames: 127, trees: 9, hash: "7ef889235d8b9c51" },
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
    expect({ events: r.trace.length, frames: r.frames.length, trees: Object.keys(r.trees).length, hash: hashOf(r) }).toEqual({ events: 9077, frames: 3839, trees: 400, hash: "bcc44a538397e750" });
  });
});
