/**
 * The console's lines: one per trace event that a person reads (the script's
 * log(), each call's outcome, broker log lines above debug, disk events),
 * each knowing its event, so the console can follow the timeline and a click
 * can move the timeline to it. Built incrementally: a run streams its events
 * in chunks, and a flood of 200 000 lines must not be rebuilt per chunk.
 */
import { formatLogLine } from "../../engine/api/console-line.ts";
import type { TraceEvent } from "../../engine/sim/trace.ts";

export const LAYERS = ["script", "calls", "kvs", "content", "content-sqlite", "broker", "disk"] as const;
export type Layer = (typeof LAYERS)[number];

export interface ConsoleLine {
  /** The trace event this line shows. */
  i: number;
  layer: Layer;
  text: string;
  cls: string;
}

function lineOf(e: TraceEvent, i: number): ConsoleLine | undefined {
  if (e.kind === "console") return { i, layer: "script", text: e.text, cls: "script" };
  if (e.kind === "api") return { i, layer: "calls", text: `${e.call} → ${e.outcome}`, cls: e.outcome === "ok" ? "call" : "call bad" };
  if (e.kind === "log" && e.level !== "debug") {
    // fsck, the startlog and tools print through the broker's log
    const layer = (LAYERS as readonly string[]).includes(e.source) ? (e.source as Layer) : "broker";
    return { i, layer, text: formatLogLine(e), cls: `log ${e.level}` };
  }
  if (e.kind === "disk" && e.op !== "write-refused") return { i, layer: "disk", text: `disk ${e.op}: ${e.path} ${e.bytes} B (used ${e.used} B)`, cls: "disk" };
  return undefined;
}

/** The lines of one growing event list; a new list starts over. */
export class ConsoleLines {
  private source: readonly TraceEvent[] | undefined;
  private done = 0;
  private lines: ConsoleLine[] = [];

  /** The lines of `events` (appending only what is new since the last call for the same list). */
  of(events: readonly TraceEvent[]): readonly ConsoleLine[] {
    if (events !== this.source) {
      this.source = events;
      this.done = 0;
      this.lines = [];
    }
    for (; this.done < events.length; this.done++) {
      const line = lineOf(events[this.done]!, this.done);
      if (line) this.lines.push(line);
    }
    return this.lines;
  }
}

/** How many of `lines` (sorted by event) show events up to `at`. */
export function countUpTo(lines: readonly ConsoleLine[], at: number): number {
  let lo = 0;
  let hi = lines.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (lines[mid]!.i <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
