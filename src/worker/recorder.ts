/**
 * Records a run for the page while it happens: every trace event, a compact
 * frame of every layer after each event that changed one, and hash trees
 * (captured once per root: a root never changes): of each root the kvs
 * publishes or checkpoints among a run's first MAX_TREES, and past those, of
 * the current and checkpointed roots at each marker (start, shutdown, crash,
 * a failed call, ENOSPC, a failed write-back, a new checkpoint) and at the
 * end, up to MAX_MARKER_TREES more. What it recorded goes out in chunks as the
 * run goes, so a run whose worker is terminated (Stop, the time limit) keeps
 * all but its last moments.
 */
import type { Broker, BrokerSnapshot } from "../engine/broker/broker.ts";
import type { DiskFile } from "../engine/disk/disk.ts";
import type { TraceEvent } from "../engine/sim/trace.ts";
import { ProgressClock } from "../runner/progress.ts";
import { MAX_MARKER_TREES, MAX_TREES, type Frame, type RunChunk, type TreeNode } from "./protocol.ts";
import { TreeCapture } from "./tree-capture.ts";
import { DiskFullStreak } from "./marker-events.ts";

/**
 * The clock is read at the first event of a chunk and every this many events after it: reading it (performance.now()
 * in a worker) cost more than recording a log() line (profiled: 0.2 s of a 200 000-line flood's 3.2 s in the page).
 */
const CLOCK_EVERY = 64;

export type ChunkContent = Pick<RunChunk, "events" | "frames" | "trees">;

export class Recorder {
  private events: TraceEvent[] = [];
  private frames: Frame[] = [];
  private trees: Record<string, TreeNode> = {};
  private readonly captured = new Set<string>();
  /** The layer values (keyOf) and file signature the last frame was taken at, and that frame. */
  private lastKey: readonly unknown[] = [];
  private lastFiles = "";
  private lastFrame: Frame | undefined;
  private index = 0;
  private broker: Broker | undefined;
  /** Trees captured past the first MAX_TREES roots, at markers. */
  private markerTrees = 0;
  private lastCheckpoint: string | undefined;
  private readonly diskFull = new DiskFullStreak();
  /** The last write-back failed: the failures after it are the same moment until one is stored. */
  private writeBackFailing = false;
  // no burst: a chunk costs a structured clone on both sides, and the frames of a short run's last moments are all on the timeline anyway
  private readonly clock = new ProgressClock(50, 5000, 0);
  /** Takes the trees of the chunk being gathered (equal nodes as one object). */
  private readonly treeCapture = new TreeCapture();

  /** @param send receives each chunk; called from inside the run whenever enough has piled up, and by flush(). */
  constructor(private readonly send: (chunk: ChunkContent) => void) {}

  attach(broker: Broker): void {
    this.broker = broker;
    broker.trace.onEvent((e) => {
      this.onEvent(broker, e);
      if (this.events.length % CLOCK_EVERY === 1 && this.clock.due(this.events.length)) this.flush();
    });
  }

  /** A moment to send what piled up, if it is time (the script is about to go on, and may never yield again). */
  turn(): void {
    if (this.clock.due(this.events.length)) this.flush();
  }

  /** The run has ended (its instance not yet disposed): keep the trees of where it ended, and send the rest. */
  end(): void {
    if (this.broker && this.index > 0) this.captureMoment(this.broker, this.broker.snapshot(false), true);
    this.flush();
  }

  /** Send whatever was recorded since the last chunk (the end's trees may come with no event: a chunk went at the last one). */
  flush(): void {
    if (this.events.length === 0 && Object.keys(this.trees).length === 0) return;
    this.send({ events: this.events, frames: this.frames, trees: this.trees });
    this.events = [];
    this.frames = [];
    this.trees = {};
    this.treeCapture.clear();
  }

  private onEvent(broker: Broker, e: TraceEvent): void {
    this.events.push(e);
    const i = this.index++;
    // the script's log() changes no layer: a flood of lines must not cost a snapshot each
    if (e.kind === "console") return;
    // this runs for every event: compare the layers' values, and make a frame only when one differs
    const s = broker.snapshot(false);
    const key = keyOf(s);
    const files = broker.disk.fileSignature();
    if (files !== this.lastFiles || !sameValues(key, this.lastKey)) {
      // the disk's file list is built (and sorted) only when a file changed; the claims that name owners are made before any event
      const fileList = files === this.lastFiles && this.lastFrame ? this.lastFrame.disk.files : shownFiles(broker.disk.files());
      this.lastFrame = frameOf(s, fileList, i, this.lastFrame);
      this.frames.push(this.lastFrame);
      this.lastKey = key;
      this.lastFiles = files;
    }
    // a new checkpoint is a marker too (the chart marks the frame it appears in)
    const checkpoint = s.backing?.lastCheckpoint?.rootref;
    const newCheckpoint = checkpoint !== undefined && checkpoint !== this.lastCheckpoint;
    if (checkpoint !== undefined) this.lastCheckpoint = checkpoint;
    if (newCheckpoint || isMarker(e) || this.diskFull.firstRefusal(e) || this.firstFailedWriteBack(e)) this.captureMoment(broker, s);
    if (e.kind === "state" && e.subject === "kvs.root") this.capture(broker, e.value.split(" ")[1]!);
  }

  /** The first write-back refused (ENOSPC, EIO...) after one was stored. */
  private firstFailedWriteBack(e: TraceEvent): boolean {
    if (e.kind !== "reply" || e.topic !== "content-backing.store") return false;
    const first = e.errno !== undefined && !this.writeBackFailing;
    this.writeBackFailing = e.errno !== undefined;
    return first;
  }

  /** A moment worth looking at: keep the trees of its current and checkpointed roots, whatever their number. */
  private captureMoment(broker: Broker, s: BrokerSnapshot, atEnd = false): void {
    const kind = atEnd ? "end" : "marker";
    if (s.kvs?.root) this.capture(broker, s.kvs.root.rootref, kind);
    if (s.backing?.lastCheckpoint) this.capture(broker, s.backing.lastCheckpoint.rootref, kind);
  }

  /** Keep the tree of `rootref`: one of the first MAX_TREES, a marker's up to MAX_MARKER_TREES more, and the end's always. */
  private capture(broker: Broker, rootref: string, why: "published" | "marker" | "end" = "published"): void {
    if (this.captured.has(rootref)) return;
    if (this.captured.size >= MAX_TREES && why !== "end") {
      if (why === "published" || this.markerTrees >= MAX_MARKER_TREES) return;
      this.markerTrees++;
    }
    this.captured.add(rootref);
    this.trees[rootref] = this.treeCapture.tree(broker, rootref);
  }
}

/** The events the chart marks (chart-data.ts: markersOf, with ENOSPC left to DiskFullStreak): where the trees are looked at. */
function isMarker(e: TraceEvent): boolean {
  if (e.kind === "state") return e.subject === "broker" && (e.value === "rc1" || e.value === "rc3" || e.value === "failed");
  return e.kind === "api" && (e.call === "flux.crash()" || e.outcome !== "ok");
}

/** What a frame shows of a snapshot, as a list of values (time and event index left out: they always change). */
function keyOf(s: BrokerSnapshot): unknown[] {
  const k = s.kvs;
  const c = s.cache;
  const b = s.backing;
  const cp = b?.lastCheckpoint;
  return [
    s.state,
    !!k, k?.root?.sequence, k?.root?.rootref, k?.readOnly, k?.commitQueue,
    !!cp, cp?.sequence, cp?.rootref,
    !!c, c?.count, c?.dirty, c?.dirtyBytes, c?.size, c?.flushWaiters, c?.stranded, c?.readOnly, c?.flushErrno,
    !!b, b?.readOnly, b?.lastErrno,
    s.disk.quota, s.disk.used,
  ];
}

/** Equal lists of values (NaN equal to itself: a value that stays NaN is no change). */
function sameValues(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let n = 0; n < a.length; n++) if (a[n] !== b[n] && (a[n] === a[n] || b[n] === b[n])) return false;
  return true;
}

/**
 * The frame after event `i`. Each part that equals the previous frame's is that very object: a run's frames
 * share what did not change, so a chunk's structured clone (which writes a shared object once) and the page's
 * memory hold about half as much.
 */
function frameOf(s: BrokerSnapshot, files: Frame["disk"]["files"], i: number, previous: Frame | undefined): Frame {
  const checkpoint = s.backing?.lastCheckpoint;
  const kvs = s.kvs?.root ? { sequence: s.kvs.root.sequence, rootref: s.kvs.root.rootref, readOnly: s.kvs.readOnly, commitQueue: s.kvs.commitQueue } : null;
  const cache = s.cache
    ? { count: s.cache.count, dirty: s.cache.dirty, dirtyBytes: s.cache.dirtyBytes, size: s.cache.size, flushWaiters: s.cache.flushWaiters, stranded: s.cache.stranded, readOnly: s.cache.readOnly, flushErrno: s.cache.flushErrno }
    : null;
  // only a closed database (backingOnEnospc "close") is marked: an open one, the rule, adds nothing to the frame
  const backing = s.backing ? { readOnly: s.backing.readOnly, lastErrno: s.backing.lastErrno, ...(s.backing.open ? {} : { closed: true as const }) } : null;
  const disk = { quota: s.disk.quota, used: s.disk.used, files };
  return {
    i,
    t: s.t,
    state: s.state,
    kvs: reuse(kvs, previous?.kvs),
    checkpoint: reuse(checkpoint ? { sequence: checkpoint.sequence, rootref: checkpoint.rootref } : null, previous?.checkpoint),
    cache: reuse(cache, previous?.cache),
    backing: reuse(backing, previous?.backing),
    disk: previous && files === previous.disk.files && disk.quota === previous.disk.quota && disk.used === previous.disk.used ? previous.disk : disk,
  };
}

/** What a frame shows of the disk's files. */
function shownFiles(files: DiskFile[]): Frame["disk"]["files"] {
  return files.map((f) => ({ name: f.name, bytes: f.bytes, owner: f.owner }));
}

/** `part`, or `before` if that has the same fields and values (flat objects of primitives). */
function reuse<T extends Record<string, unknown>>(part: T | null, before: T | null | undefined): T | null {
  if (part === null || !before) return part;
  for (const key in part) if (!Object.is(part[key], before[key])) return part;
  return before;
}
