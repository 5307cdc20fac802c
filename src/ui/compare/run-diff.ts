/**
 * Where two runs part: the first event at which their traces differ (kind, time, fields: the event as recorded).
 * Two runs of one script under two policies are the same event for event until a policy's knob first matters, so
 * that event is where to look; the page shows both runs' layers just after it (RunDiff.svelte).
 */
import type { TraceEvent } from "../../engine/sim/trace.ts";

export interface Parting {
  /** The index of the first event that differs (the length of the shorter trace when one is the other's beginning). */
  index: number;
  /** Each run's event there; undefined for a run that had ended before it. */
  a: TraceEvent | undefined;
  b: TraceEvent | undefined;
}

/** The first event where the traces part, or undefined when they are the same event for event. */
export function firstParting(a: readonly TraceEvent[], b: readonly TraceEvent[]): Parting | undefined {
  const common = Math.min(a.length, b.length);
  for (let i = 0; i < common; i++) if (!sameEvent(a[i]!, b[i]!)) return { index: i, a: a[i], b: b[i] };
  return a.length === b.length ? undefined : { index: common, a: a[common], b: b[common] };
}

/** Field by field: an event is a flat record of strings and numbers (src/engine/sim/trace.ts). */
function sameEvent(x: TraceEvent, y: TraceEvent): boolean {
  const [fx, fy] = [x as Record<string, unknown>, y as Record<string, unknown>];
  const keys = Object.keys(fx);
  return keys.length === Object.keys(fy).length && keys.every((k) => fx[k] === fy[k]);
}
