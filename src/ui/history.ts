/**
 * Reading a finished run at any moment (an index into its trace): the frame
 * of every layer, the state of any blob, the messages around it. Pure
 * functions over what the worker sent; precomputed once per run so that
 * scrubbing stays fast.
 */
import type { TraceEvent } from "../engine/sim/trace.ts";
import type { Frame, RunResult, TreeNode } from "../worker/protocol.ts";

export type BlobState = "dirty" | "on-disk" | "missing" | "inline";

export interface History {
  run: RunResult;
  /** For each blob seen in the trace: (event index, state) in order. */
  blobTimeline: Map<string, { i: number; state: BlobState }[]>;
}

export function historyOf(run: RunResult): History {
  return new BlobTimeline().grown(run);
}

/**
 * Where each blob was, followed through a trace that may still be growing: each `grown` reads only the events
 * after those it read before (a running run's history is rebuilt a few times a second, live-history.ts).
 */
export class BlobTimeline {
  private readonly timeline = new Map<string, { i: number; state: BlobState }[]>();
  private readonly dirty = new Set<string>();
  private readonly onDisk = new Set<string>();
  private read = 0;

  /** The history of `run`, whose events begin with those read before. */
  grown(run: RunResult): History {
    const events = run.events;
    for (let i = this.read; i < events.length; i++) this.follow(events[i]!, i);
    this.read = events.length;
    return { run, blobTimeline: this.timeline };
  }

  private follow(e: TraceEvent, i: number): void {
    if (e.kind === "reply" && !e.errno && e.note) {
      if (e.topic === "content.store" && !this.onDisk.has(e.note)) {
        this.dirty.add(e.note);
        this.mark(e.note, i, "dirty");
      } else if (e.topic === "content-backing.store") {
        this.dirty.delete(e.note);
        this.onDisk.add(e.note);
        this.mark(e.note, i, "on-disk");
      }
    } else if (e.kind === "state" && e.subject === "broker" && (e.value === "down" || e.value === "failed")) {
      // the instance is gone: what was only in the cache is gone with it
      for (const ref of this.dirty) this.mark(ref, i, "missing");
      this.dirty.clear();
    }
  }

  private mark(ref: string, i: number, state: BlobState): void {
    let list = this.timeline.get(ref);
    if (!list) this.timeline.set(ref, (list = []));
    list.push({ i, state });
  }
}

/** The last element with `.i <= i` of a list sorted by `.i`. */
export function lastAtOrBefore<T extends { i: number }>(list: readonly T[], i: number): T | undefined {
  let lo = 0;
  let hi = list.length - 1;
  let found: T | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.i <= i) {
      found = list[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

export function frameAt(h: History, i: number): Frame | undefined {
  return lastAtOrBefore(h.run.frames, i);
}

export function blobStateAt(h: History, node: TreeNode, i: number): BlobState {
  if (!node.ref) return "inline";
  return lastAtOrBefore(h.blobTimeline.get(node.ref) ?? [], i)?.state ?? node.state;
}

/** The messages (requests and replies) up to event i, newest last. */
export function messagesUpTo(h: History, i: number, count: number): { i: number; e: Extract<TraceEvent, { kind: "send" | "reply" }> }[] {
  const out: { i: number; e: Extract<TraceEvent, { kind: "send" | "reply" }> }[] = [];
  for (let j = Math.min(i, h.run.events.length - 1); j >= 0 && out.length < count; j--) {
    const e = h.run.events[j]!;
    if (e.kind === "send" || e.kind === "reply") out.push({ i: j, e });
  }
  return out.reverse();
}

/** How an event reads in one line (the timeline's label, the console). */
export function describe(e: TraceEvent): string {
  switch (e.kind) {
    case "send":
      return `${e.from} → ${e.topic} #${e.id}${e.bytes !== undefined ? ` (${e.bytes} B)` : ""}`;
    case "reply":
      return `${e.topic} #${e.id} → ${e.to}: ${e.errno ?? "ok"}`;
    case "log":
      return `${e.source}.${e.level}: ${e.text}`;
    case "disk":
      return `disk ${e.op} ${e.path} ${e.bytes} B${e.errno ? ` (${e.errno})` : ""}`;
    case "state":
      return `${e.subject} = ${e.value}`;
    case "api":
      return `${e.call}: ${e.outcome}`;
    case "console":
      return `log: ${e.text}`;
  }
}
