/**
 * Which events are the start of something worth looking at, as the chart marks them and the recorder keeps trees
 * for them: one rule, so a marker on the chart always has its trees.
 */
import type { TraceEvent } from "../engine/sim/trace.ts";

/**
 * A full disk refuses every write until something changes: only the first ENOSPC refusal after a write got through
 * or the disk changed (a fill, a removal, a new quota) is a marker, not the thousands after it.
 */
export class DiskFullStreak {
  private marked = false;

  /** Feed every event in order; true for the first refusal of a streak. */
  firstRefusal(e: TraceEvent): e is Extract<TraceEvent, { kind: "disk" }> {
    if ((e.kind === "reply" && e.topic === "content-backing.store" && !e.errno) || (e.kind === "disk" && e.op !== "write-refused")) this.marked = false;
    if (e.kind !== "disk" || e.op !== "write-refused" || e.errno !== "ENOSPC" || this.marked) return false;
    this.marked = true;
    return true;
  }
}
