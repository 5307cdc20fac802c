/**
 * The timeline chart's data, from what the worker already sends: disk used
 * by kind of file, dirty bytes and cache size, downsampled to one column per
 * pixel (the largest value in each column, so a short spike still shows), and
 * markers for the moments worth jumping to. Pure functions: a 14k-event run
 * is one pass over its frames and events.
 */
import type { TraceEvent } from "../../engine/sim/trace.ts";
import type { Frame } from "../../worker/protocol.ts";
import { DiskFullStreak } from "../../worker/marker-events.ts";

/** Kinds of statedir file, stacked bottom to top in this order (the disk gauge's colours); "dump" is rc3's dump/. */
export const DISK_KINDS = ["content-sqlite", "wal", "checkpoint-db", "reserve", "dump", "other"] as const;
export type DiskKind = (typeof DISK_KINDS)[number];

export function diskKindOf(file: { name: string; owner: string }): DiskKind {
  if (file.owner === "other") return "other";
  if (file.owner === "content-dump") return "dump";
  if (file.name.endsWith("-wal") || file.name.endsWith("-shm")) return "wal";
  return (DISK_KINDS as readonly string[]).includes(file.owner) ? (file.owner as DiskKind) : "other";
}

export interface Columns {
  count: number;
  /** Bytes per kind per column. */
  disk: Record<DiskKind, Float64Array>;
  dirty: Float64Array;
  cache: Float64Array;
  quota: number;
  /** The largest cache size in the run (the memory lane's scale). */
  cacheMax: number;
}

/** One column per pixel (or per event, when there are fewer events than pixels). */
export function columnsOf(frames: readonly Frame[], eventCount: number, width: number): Columns {
  const count = Math.max(1, Math.min(Math.floor(width), eventCount));
  const disk = Object.fromEntries(DISK_KINDS.map((k) => [k, new Float64Array(count)])) as Record<DiskKind, Float64Array>;
  const dirty = new Float64Array(count);
  const cache = new Float64Array(count);
  const seen = new Uint8Array(count);
  let quota = 0;
  let cacheMax = 0;
  const byKind = Object.fromEntries(DISK_KINDS.map((k) => [k, 0])) as Record<DiskKind, number>;
  for (const frame of frames) {
    const c = Math.min(count - 1, Math.floor((frame.i * count) / Math.max(1, eventCount)));
    for (const k of DISK_KINDS) byKind[k] = 0;
    for (const file of frame.disk.files) byKind[diskKindOf(file)] += file.bytes;
    for (const k of DISK_KINDS) disk[k][c] = seen[c] ? Math.max(disk[k][c]!, byKind[k]) : byKind[k];
    dirty[c] = Math.max(seen[c] ? dirty[c]! : 0, frame.cache?.dirtyBytes ?? 0);
    cache[c] = Math.max(seen[c] ? cache[c]! : 0, frame.cache?.size ?? 0);
    seen[c] = 1;
    quota = Math.max(quota, frame.disk.quota);
    cacheMax = Math.max(cacheMax, frame.cache?.size ?? 0);
  }
  // a column no frame fell in shows the state of the one before it
  for (let c = 1; c < count; c++) {
    if (seen[c]) continue;
    for (const k of DISK_KINDS) disk[k][c] = disk[k][c - 1]!;
    dirty[c] = dirty[c - 1]!;
    cache[c] = cache[c - 1]!;
  }
  return { count, disk, dirty, cache, quota, cacheMax };
}

export type MarkerKind = "start" | "shutdown" | "crash" | "checkpoint" | "enospc" | "failed-call" | "failed" | "error" | "systemd";

export interface Marker {
  i: number;
  kind: MarkerKind;
  label: string;
}

/** The moments worth jumping to, in trace order. */
export function markersOf(events: readonly TraceEvent[], frames: readonly Frame[], error?: { message: string }): Marker[] {
  const out: Marker[] = [];
  const diskFull = new DiskFullStreak();
  events.forEach((e, i) => {
    if (diskFull.firstRefusal(e)) return void out.push({ i, kind: "enospc", label: `ENOSPC: a write to ${e.path} refused` });
    if (e.kind === "state" && e.subject === "broker") {
      if (e.value === "rc1") out.push({ i, kind: "start", label: "start (rc1)" });
      else if (e.value === "rc3") out.push({ i, kind: "shutdown", label: "shutdown (rc3)" });
      else if (e.value === "failed") out.push({ i, kind: "failed", label: "the instance failed" });
    } else if (e.kind === "api" && e.call === "flux.crash()") out.push({ i, kind: "crash", label: "crash (the broker dies)" });
    // a system instance's systemd decides after each end; its line ends with the decision ("exit 42: not restarted")
    else if (e.kind === "log" && e.source === "systemd") out.push({ i, kind: "systemd", label: `systemd: ${e.text.split("; ").at(-1)}` });
    else if (e.kind === "api" && e.outcome !== "ok") out.push({ i, kind: "failed-call", label: `${e.call} failed: ${e.outcome}` });
  });
  let previous: string | undefined;
  for (const frame of frames) {
    const ref = frame.checkpoint?.rootref;
    if (ref && ref !== previous) out.push({ i: frame.i, kind: "checkpoint", label: `checkpoint: root seq ${frame.checkpoint!.sequence}` });
    previous = ref ?? previous;
  }
  if (error && events.length) out.push({ i: events.length - 1, kind: "error", label: `the script ended with an error: ${error.message}` });
  return out.sort((a, b) => a.i - b.i);
}

/** At most one marker of each kind per pixel column (a disk full of refused writes is one mark, not thousands). */
export function thinMarkers(markers: readonly Marker[], eventCount: number, width: number): Marker[] {
  const seen = new Set<string>();
  const columns = Math.max(1, Math.floor(width / 3));
  return markers.filter((m) => {
    const key = `${m.kind}@${Math.floor((m.i * columns) / Math.max(1, eventCount))}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The event index of the nearest marker strictly before (-1) or after (+1) `at`. */
export function markerFrom(markers: readonly Marker[], at: number, direction: -1 | 1): number | undefined {
  if (direction > 0) return markers.find((m) => m.i > at)?.i;
  for (let n = markers.length - 1; n >= 0; n--) if (markers[n]!.i < at) return markers[n]!.i;
  return undefined;
}
