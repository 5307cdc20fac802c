/**
 * Questions a lesson's goal asks of a run, answered from the trace and the
 * frames only: which API calls ended how, what the broker logged, what the
 * cache held when. Positions are trace indexes, so "after" means later in the
 * run.
 */
import type { TraceEvent } from "../engine/sim/trace.ts";
import type { Frame } from "../worker/protocol.ts";
import { lastAtOrBefore } from "../ui/history.ts";
import type { LessonRun } from "./lesson.ts";

export type ApiEvent = Extract<TraceEvent, { kind: "api" }> & { i: number };

/** Every scenario API call that ended, in order, with its trace index. */
export function apiCalls(run: LessonRun, prefix = ""): ApiEvent[] {
  const out: ApiEvent[] = [];
  run.events.forEach((e, i) => {
    if (e.kind === "api" && e.call.startsWith(prefix)) out.push({ ...e, i });
  });
  return out;
}

/** A kvs.put call's key and whether it was synced, from its label `kvs.put("key", sync)`. */
export function putOf(call: string): { key: string; sync: boolean } | undefined {
  const m = /^kvs\.put\(("(?:[^"\\]|\\.)*")(, sync)?\)$/.exec(call);
  const key = m ? jsonString(m[1]!) : undefined;
  return key === undefined ? undefined : { key, sync: m![2] !== undefined };
}

/** The key of a kvs.get call's label `kvs.get("key")`. */
export function getKeyOf(call: string): string | undefined {
  const m = /^kvs\.get\(("(?:[^"\\]|\\.)*")\)$/.exec(call);
  return m ? jsonString(m[1]!) : undefined;
}

/** A label's quoted key; undefined when it is not JSON (a label is the run's text: read, never trusted). */
function jsonString(quoted: string): string | undefined {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return undefined;
  }
}

/** Index of the first event matching, at or after `from`; -1 when none. */
export function firstIndex(run: LessonRun, match: (e: TraceEvent) => boolean, from = 0): number {
  for (let i = Math.max(0, from); i < run.events.length; i++) if (match(run.events[i]!)) return i;
  return -1;
}

export const isLog = (source: string, level: string, text: RegExp) => (e: TraceEvent) =>
  e.kind === "log" && e.source === source && e.level === level && text.test(e.text);

/** The first failed write-back: the cache's `content store: <errno>` line (flux-model.md §3). */
export const failedWriteBack = (run: LessonRun, from = 0) => firstIndex(run, isLog("content", "crit", /^content store: /), from);

/** SQLite met the full quota: a write the filesystem refused with ENOSPC. */
export const diskRefused = (run: LessonRun, from = 0) =>
  firstIndex(run, (e) => e.kind === "disk" && e.op === "write-refused" && e.errno === "ENOSPC", from);

export const diskOp = (run: LessonRun, op: "fill" | "remove", from = 0) => firstIndex(run, (e) => e.kind === "disk" && e.op === op, from);

export const brokerState = (run: LessonRun, value: string, from = 0) =>
  firstIndex(run, (e) => e.kind === "state" && e.subject === "broker" && e.value === value, from);

/** The frame of every layer as it was right after trace event i. */
export const frameAt = (run: LessonRun, i: number): Frame | undefined => lastAtOrBefore(run.frames, i);

/** Calls made after event `from` that ended with `outcome` ("ok" or an errno). */
export const callsAfter = (run: LessonRun, prefix: string, outcome: string, from: number) =>
  apiCalls(run, prefix).filter((c) => c.i > from && c.outcome === outcome);

/** The index of the last successful flux.start() after event `from`, or -1. */
export function restartAfter(run: LessonRun, from: number): number {
  if (from < 0) return -1;
  return callsAfter(run, "flux.start()", "ok", from).at(-1)?.i ?? -1;
}
