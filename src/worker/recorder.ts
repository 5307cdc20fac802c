/**
 * Records a run for the page while it happens: every trace event, a compact
 * frame of every layer after each event that changed one, and the hash tree
 * of each root the kvs publishes or checkpoints (captured once: a root never
 * changes). What it recorded goes out in chunks as the run goes, so a run
 * whose worker is terminated (Stop, the time limit) keeps all but its last
 * moments.
 */
import type { Broker, BrokerSnapshot } from "../engine/broker/broker.ts";
import type { DiskFile } from "../engine/disk/disk.ts";
import { decode, type TreeObj } from "../engine/modules/kvs/treeobj.ts";
import type { TraceEvent } from "../engine/sim/trace.ts";
import { ProgressClock } from "../runner/progress.ts";
import type { Frame, RunChunk, TreeNode } from "./protocol.ts";

/** Trees are for looking at: past this many nodes a tree shows "…". */
const MAX_TREE_NODES = 160;
/** And past this many roots, no more trees are captured (a long run publishes thousands). */
const MAX_TREES = 400;
/** Decoded directories kept for trees (then forgotten all at once: this bounds the memory, not the hits). */
const MAX_DECODED = 4096;

export type ChunkContent = Pick<RunChunk, "events" | "frames" | "trees">;

export class Recorder {
  private events: TraceEvent[] = [];
  private frames: Frame[] = [];
  private trees: Record<string, TreeNode> = {};
  private readonly captured = new Set<string>();
  private last = "";
  private index = 0;
  // no burst: a chunk costs a structured clone on both sides, and the frames of a short run's last moments are all on the timeline anyway
  private readonly clock = new ProgressClock(50, 5000, 0);
  /** Directory blobs decoded for trees, by blobref (a blob never changes; successive roots share most of their directories). */
  private readonly decoded = new Map<string, TreeObj | undefined>();

  /** @param send receives each chunk; called from inside the run whenever enough has piled up, and by flush(). */
  constructor(private readonly send: (chunk: ChunkContent) => void) {}

  attach(broker: Broker): void {
    broker.trace.onEvent((e) => {
      this.onEvent(broker, e);
      if (this.clock.due(this.events.length)) this.flush();
    });
  }

  /** A moment to send what piled up, if it is time (the script is about to go on, and may never yield again). */
  turn(): void {
    if (this.clock.due(this.events.length)) this.flush();
  }

  /** Send whatever was recorded since the last chunk. */
  flush(): void {
    if (this.events.length === 0) return;
    this.send({ events: this.events, frames: this.frames, trees: this.trees });
    this.events = [];
    this.frames = [];
    this.trees = {};
  }

  private onEvent(broker: Broker, e: TraceEvent): void {
    this.events.push(e);
    const i = this.index++;
    // the script's log() changes no layer: a flood of lines must not cost a snapshot each
    if (e.kind === "console") return;
    // this runs for every event: compare a string of the layers' values, and make a frame only when it differs
    const s = broker.snapshot(false);
    const key = keyOf(s) + broker.disk.fileSignature();
    if (key !== this.last) {
      this.frames.push(frameOf(s, broker.disk.files(), i));
      this.last = key;
    }
    if (e.kind === "state" && e.subject === "kvs.root") this.capture(broker, e.value.split(" ")[1]!);
    const checkpoint = s.backing?.lastCheckpoint;
    if (checkpoint) this.capture(broker, checkpoint.rootref);
  }

  private decodedDir(ref: string, data: Uint8Array | undefined): TreeObj | undefined {
    if (!data) return undefined;
    if (!this.decoded.has(ref)) {
      if (this.decoded.size >= MAX_DECODED) this.decoded.clear();
      this.decoded.set(ref, decode(data));
    }
    return this.decoded.get(ref);
  }

  private capture(broker: Broker, rootref: string): void {
    if (this.captured.has(rootref) || this.captured.size >= MAX_TREES) return;
    this.captured.add(rootref);
    let budget = MAX_TREE_NODES;
    const walk = (name: string, obj: TreeObj, ref: string | null): TreeNode => {
      budget--;
      if (budget <= 0) return { name: "…", ref: null, kind: "truncated", state: "inline" };
      if (obj.type === "dirref") {
        const blob = broker.peekBlob(obj.data[0]!);
        const dir = this.decodedDir(obj.data[0]!, blob.data);
        if (!dir || dir.type !== "dir") return { name, ref: obj.data[0]!, kind: "dir", state: blob.state };
        return { ...walk(name, dir, null), ref: obj.data[0]!, state: blob.state };
      }
      if (obj.type === "dir") {
        const children = Object.keys(obj.data)
          .sort()
          .map((child) => walk(child, obj.data[child]!, null));
        return { name, ref, kind: "dir", state: "inline", children };
      }
      if (obj.type === "valref") {
        const children = obj.data.map((blobref, n) => ({ name: `#${n}`, ref: blobref, kind: "val" as const, state: broker.peekBlob(blobref).state }));
        budget -= children.length;
        return { name, ref: null, kind: "valref", state: "inline", children };
      }
      return { name, ref: null, kind: obj.type, state: "inline" };
    };
    this.trees[rootref] = walk("(root)", { ver: 1, type: "dirref", data: [rootref] }, rootref);
  }
}

/** What a frame shows of a snapshot, as one string (time and event index left out: they always change). */
function keyOf(s: BrokerSnapshot): string {
  const k = s.kvs;
  const c = s.cache;
  const b = s.backing;
  const cp = b?.lastCheckpoint;
  return (
    `${s.state}|${k ? `${k.root?.sequence} ${k.root?.rootref} ${k.readOnly} ${k.commitQueue}` : "-"}|${cp ? `${cp.sequence} ${cp.rootref}` : "-"}|` +
    `${c ? `${c.count} ${c.dirty} ${c.dirtyBytes} ${c.size} ${c.flushWaiters} ${c.stranded} ${c.readOnly} ${c.flushErrno}` : "-"}|` +
    `${b ? `${b.readOnly} ${b.lastErrno}` : "-"}|${s.disk.quota} ${s.disk.used}|`
  );
}

function frameOf(s: BrokerSnapshot, files: DiskFile[], i: number): Frame {
  const checkpoint = s.backing?.lastCheckpoint;
  return {
    i,
    t: s.t,
    state: s.state,
    kvs: s.kvs?.root ? { sequence: s.kvs.root.sequence, rootref: s.kvs.root.rootref, readOnly: s.kvs.readOnly, commitQueue: s.kvs.commitQueue } : null,
    checkpoint: checkpoint ? { sequence: checkpoint.sequence, rootref: checkpoint.rootref } : null,
    cache: s.cache
      ? { count: s.cache.count, dirty: s.cache.dirty, dirtyBytes: s.cache.dirtyBytes, size: s.cache.size, flushWaiters: s.cache.flushWaiters, stranded: s.cache.stranded, readOnly: s.cache.readOnly, flushErrno: s.cache.flushErrno }
      : null,
    backing: s.backing ? { readOnly: s.backing.readOnly, lastErrno: s.backing.lastErrno } : null,
    disk: { quota: s.disk.quota, used: s.disk.used, files: files.map((f) => ({ name: f.name, bytes: f.bytes, owner: f.owner })) },
  };
}
