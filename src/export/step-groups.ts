/**
 * The recorded steps as the test's units: a block of steps that the model ran again and again with the same
 * data (a loop of the script) becomes one repeat, so a loop of 800 jobs is one shell loop, not 800 tests; a
 * repeat that starts with a dmesg read and ends when that read changes is a wait for a log line (t0090's
 * "until dmesg shows ENOSPC"), which Flux needs as much as the model did, however many rounds it takes.
 */
import type { DmesgStep, Step } from "./recording-port.ts";

export type Unit =
  | { kind: "step"; step: Step }
  /** `body` ran `count` times; with `until`, it ran while that dmesg read matched as in the loop, and `until` ends it. */
  | { kind: "repeat"; body: Step[]; count: number; until?: DmesgStep };

/** Repeats shorter than this stay single steps: two or three keys put in a row read better one by one. */
const MIN_REPEATS = 4;
const MAX_PERIOD = 8;

/** What makes two steps the same step of a loop: the line and the data asked for (not what the model answered). */
export function signature(step: Step, dmesgFilter: (step: DmesgStep) => string): string {
  if (step.kind === "dmesg") return `dmesg@${step.line}:${dmesgFilter(step)}`;
  if (step.kind === "join") return `join@${step.line}`;
  return `${step.line}:${JSON.stringify(step.op, (_k, v: unknown) => (v instanceof Uint8Array ? `bytes:${v.length}:${Array.from(v.subarray(0, 64)).join(",")}` : v))}`;
}

export function groupSteps(steps: readonly Step[], sig: (step: Step) => string, changed: (a: DmesgStep, b: DmesgStep) => boolean): Unit[] {
  const sigs = steps.map(sig);
  const units: Unit[] = [];
  let i = 0;
  while (i < steps.length) {
    const wait = untilLoop(steps, sigs, i, changed);
    const repeat = wait ?? longestRepeat(sigs, i, MIN_REPEATS);
    if (!repeat) {
      units.push({ kind: "step", step: steps[i]! });
      i++;
      continue;
    }
    const { period, count } = repeat;
    const body = steps.slice(i, i + period);
    const end = i + period * count;
    if (wait) units.push({ kind: "repeat", body, count, until: steps[end] as DmesgStep });
    else units.push({ kind: "repeat", body, count });
    i = end + (wait ? 1 : 0);
  }
  return units;
}

/**
 * A wait on the log at `start`: a dmesg read, the steps after it, again and again, until the same read (same
 * line, same filter) found something else. Even one round is a loop then: the same line read the log twice.
 */
function untilLoop(steps: readonly Step[], sigs: readonly string[], start: number, changed: (a: DmesgStep, b: DmesgStep) => boolean): { period: number; count: number } | undefined {
  const head = steps[start];
  if (head?.kind !== "dmesg") return undefined;
  for (let period = 1; period <= MAX_PERIOD; period++) {
    const found = longestRepeatOf(sigs, start, period);
    const end = start + period * found;
    const last = steps[end];
    if (found >= 1 && last?.kind === "dmesg" && sigs[end] === sigs[start] && changed(head, last)) return { period, count: found };
  }
  return undefined;
}

/** The period and count of the block at `start` that repeats most often (at least MIN_REPEATS times), if any. */
function longestRepeat(sigs: readonly string[], start: number, min: number): { period: number; count: number } | undefined {
  let best: { period: number; count: number } | undefined;
  for (let period = 1; period <= MAX_PERIOD && start + period * min <= sigs.length; period++) {
    const count = longestRepeatOf(sigs, start, period);
    if (count >= min && (!best || count * period > best.count * best.period)) best = { period, count };
  }
  return best;
}

/** How many times in a row the block of `period` steps at `start` comes. */
function longestRepeatOf(sigs: readonly string[], start: number, period: number): number {
  let count = 1;
  while (sameBlock(sigs, start, start + period * count, period)) count++;
  return start + period <= sigs.length ? count : 0;
}

function sameBlock(sigs: readonly string[], a: number, b: number, period: number): boolean {
  if (b + period > sigs.length) return false;
  for (let k = 0; k < period; k++) if (sigs[a + k] !== sigs[b + k]) return false;
  return true;
}
