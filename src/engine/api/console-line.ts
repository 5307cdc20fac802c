/**
 * What a console line is, shared by the engine that writes the console and the page that draws and bounds it: the
 * page imports this file alone, so it does not take the engine (and its hashing WebAssembly) into its first load.
 */
import type { TraceEvent } from "../sim/trace.ts";
import { formatTimestamp, wallClockSeconds } from "../sim/wallclock.ts";

/** A log() line longer than this is cut (the console draws lines, not megabytes: 150 lines of 2 MB froze the page). */
export const MAX_LOG_LINE = 10_000;
/** All of a run's log() lines together: past this the console takes no more, and says so once. */
export const MAX_CONSOLE_CHARS = 16 * 1024 * 1024;

/** A broker log line as `flux dmesg` prints it: "2026-11-24T00:00:01.234567Z content.crit[0]: …". */
export function formatLogLine(e: Extract<TraceEvent, { kind: "log" }>): string {
  const seconds = wallClockSeconds(e.t);
  const micros = Math.round((seconds % 1) * 1e6).toString().padStart(6, "0");
  return `${formatTimestamp(seconds)}.${micros}Z ${e.source}.${e.level}[0]: ${e.text}`;
}
