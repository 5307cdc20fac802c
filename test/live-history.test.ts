/**
 * A running run's history, grown piece by piece as its chunks arrive (src/ui/history.ts's BlobTimeline, which
 * live-history.ts feeds), is the history of the finished run read at once: every blob's states at the same events.
 */
import { describe, expect, it } from "vitest";
import type { LiveRun } from "../src/ui/engine-client.ts";
import { BlobTimeline, historyOf } from "../src/ui/history.ts";
import { LiveHistory } from "../src/ui/workbench/live-history.ts";
import type { RunResult } from "../src/worker/protocol.ts";
import { runRecorded, script } from "./helpers.ts";

describe("a history grown as the run streams in", () => {
  it("follows every blob to the same states as the finished run's, whatever the pieces", async () => {
    // a crash leaves dirty blobs missing: the one rule that reads what came before (the cache's dirty set)
    const r = await runRecorded(script("playground-scripts/dangling-checkpoint-flux-0.66.ts"));
    const whole = (events: RunResult["events"]): RunResult => ({ type: "result", id: 1, result: r, events, frames: r.frames, trees: r.trees, ms: 0 });
    const all = [...r.trace];
    const once = historyOf(whole(all));
    expect([...once.blobTimeline.values()].some((list) => list.some((s) => s.state === "missing"))).toBe(true);
    const growing = new BlobTimeline();
    let grown = once;
    for (let end = 0; end <= all.length; end += 997) grown = growing.grown(whole(all.slice(0, end)));
    grown = growing.grown(whole(all));
    expect(grown.blobTimeline).toEqual(once.blobTimeline);
  });

  it("reads a run that started again (a put its realm settled failed: RunRestart) from its first event again", async () => {
    const first = await runRecorded(script("playground-scripts/first.ts"));
    const again = await runRecorded(script("playground-scripts/dangling-checkpoint-flux-0.66.ts"));
    const whole = (r: typeof first, events: RunResult["events"]): RunResult => ({ type: "result", id: 1, result: r, events, frames: r.frames, trees: r.trees, ms: 0 });
    const live = (r: typeof first, events: RunResult["events"], restarts: number): LiveRun => ({ events, count: events.length, frame: undefined, started: 0, limitMs: 10_000, restarts, soFar: () => whole(r, events) });
    const history = new LiveHistory();
    expect(history.of(live(first, first.trace.slice(0, 400), 0))).toBeDefined();
    const grown = history.of(live(again, [...again.trace], 1));
    expect(grown?.blobTimeline).toEqual(historyOf(whole(again, [...again.trace])).blobTimeline);
  });
});
