/**
 * The timeline chart's data from a real run (the recorder's frames, the
 * trace): one column per pixel whatever the run's length, the largest value
 * of each column kept, and markers for the moments a reader looks for.
 */
import { describe, expect, it } from "vitest";
import { columnsOf, markerFrom, markersOf, thinMarkers } from "../src/ui/chart/chart-data.ts";
import { run, runRecorded, script } from "./helpers.ts";

async function recorded(path: string) {
  const r = await runRecorded(script(path));
  return { events: r.trace, frames: r.frames, error: r.error };
}

describe("timeline chart data", () => {
  it("downsamples to the width, keeping the largest dirty bytes and the disk by kind of file", async () => {
    const { events, frames } = await recorded("playground-scripts/first.ts");
    const columns = columnsOf(frames, events.length, 100);
    expect(columns.count).toBe(100);
    const peakDirty = Math.max(...frames.map((f) => f.cache?.dirtyBytes ?? 0));
    expect(Math.max(...columns.dirty)).toBe(peakDirty);
    expect(peakDirty).toBeGreaterThan(100_000);
    // the other consumer's file takes the disk, then is removed
    expect(Math.max(...columns.disk.other)).toBeGreaterThan(0.9 * columns.quota);
    expect(columns.disk.other[columns.count - 1]).toBe(0);
    expect(Math.max(...columns.disk["content-sqlite"])).toBeGreaterThan(0);
    // fewer events than pixels: one column per event
    expect(columnsOf(frames, 50, 1000).count).toBe(50);
  });

  it("stacks rc3's dumps (dump/, owner content-dump) as a kind of their own, not as other consumers", async () => {
    const { events, frames } = await recorded("playground-scripts/system-dumps-accumulate.ts");
    const columns = columnsOf(frames, events.length, 200);
    const lastFrame = frames[frames.length - 1]!;
    const dumpBytes = lastFrame.disk.files.filter((f) => f.owner === "content-dump").reduce((sum, f) => sum + f.bytes, 0);
    expect(dumpBytes).toBeGreaterThan(0);
    expect(columns.disk.dump[columns.count - 1]).toBe(dumpBytes);
    const otherBytes = lastFrame.disk.files.filter((f) => f.owner === "other").reduce((sum, f) => sum + f.bytes, 0);
    expect(columns.disk.other[columns.count - 1]).toBe(otherBytes);
  });

  it("marks start, checkpoints, the first ENOSPC, failed calls and shutdown, and steps between them", async () => {
    const { events, frames, error } = await recorded("playground-scripts/first.ts");
    const markers = markersOf(events, frames, error);
    const kinds = new Set(markers.map((m) => m.kind));
    for (const kind of ["start", "checkpoint", "enospc", "failed-call", "shutdown"]) expect(kinds, kind).toContain(kind);
    expect(markers.find((m) => m.kind === "failed-call")?.label).toBe("content.flush() failed: ENOSPC");
    // a full disk refuses many writes; the chart marks the first of each stretch only
    const refused = events.filter((e) => e.kind === "disk" && e.op === "write-refused").length;
    expect(markers.filter((m) => m.kind === "enospc").length).toBeLessThan(refused);
    const first = markers[0]!.i;
    expect(markerFrom(markers, -1, 1)).toBe(first);
    expect(markerFrom(markers, first, -1)).toBeUndefined();
    expect(markerFrom(markers, first, 1)).toBeGreaterThan(first);
    expect(thinMarkers(markers, events.length, 30).length).toBeLessThanOrEqual(10 * kinds.size);
  });

  it("marks systemd's decisions on a system instance: restarted after 30 s, exit 42: not restarted", async () => {
    const { events, frames, error } = await recorded("playground-scripts/system-repairing-fsck.ts");
    const labels = markersOf(events, frames, error).filter((m) => m.kind === "systemd").map((m) => m.label);
    expect(labels).toEqual(
      expect.arrayContaining(["systemd: restarted after 30 s", "systemd: exit 42: not restarted (RestartPreventExitStatus=42)"]),
    );
  });

  it("marks a crash and a script's error", async () => {
    const { events, frames, error } = await recorded("playground-scripts/crash-recovery.ts");
    expect(markersOf(events, frames, error).some((m) => m.kind === "crash")).toBe(true);
    const failing = await run('await flux.start();\nawait content.load("sha1-0000000000000000000000000000000000000000");\n');
    expect(markersOf(failing.trace, [], failing.error).at(-1)).toMatchObject({ kind: "error", i: failing.trace.length - 1 });
  });
});
