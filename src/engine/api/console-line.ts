/**
 * A log() line as the console shows it, and the bounds on what a run may log. Apart from the scenario API so
 * that the page can draw and check console lines without loading the engine (and its hashing) before it is usable.
 */
import type { TraceEvent } from "../sim/trace.ts";
import { formatTimestamp, wallClockSeconds } from "../sim/wallclock.ts";

/** A log() line longer than this is cut (the console draws lines, not megabytes: 150 lines of 2 MB froze the page). */
export const MAX_LOG_LINE = 10_000;
/** All of a run's log() lines together: past this the console takes no more, and says so once. */
export const MAX_CONSOLE_CHARS = 16 * 1024 * 1024;

export function formatLogLine(e: Extract<TraceEvent, { kind: "log" }>): string {
  const seconds = wallClockSeconds(e.t);
  const micros = Math.round((seconds % 1) * 1e6).toString().padStart(6, "0");
  return `${formatTimestamp(seconds)}.${micros}Z ${e.source}.${e.level}[0]: ${e.text}`;
}
