/**
 * `flux fsck` (flux-core src/cmd/builtin/fsck.c): walk the tree named by the
 * latest checkpoint (or a given rootref) and check that every blob it
 * references is in the backing store (cache bypass). With repair: values
 * with missing blobs are rebuilt from what is left and moved under
 * lost+found, directories whose blob is gone are unlinked, and a new root is
 * stored and checkpointed with sequence + 1.
 */
import { blobref } from "../common/blobref.ts";
import { newestCheckpoint } from "../broker/newest-checkpoint.ts";
import type { Checkpoint } from "../modules/content-sqlite/content-sqlite.ts";
import { decode, valref, type DirObj, type TreeObj } from "../modules/kvs/treeobj.ts";
import { applyOps, type KvsOp } from "../modules/kvs/txn.ts";
import type { Knobs } from "../policy/knobs.ts";
import type { Endpoint } from "../sim/bus.ts";
import { type Errno, strerror } from "../sim/errno.ts";
import { formatTimestamp, wallClockSeconds } from "../sim/wallclock.ts";

export interface FsckProblem {
  key: string;
  kind: "missing-blobref" | "missing-dirref";
  blobrefs: string[];
}

export interface FsckResult {
  ok: boolean;
  /** The root that was checked, if one was found. */
  rootref?: string;
  sequence?: number;
  missing: FsckProblem[];
  /** With repair: the new checkpointed root, and what was done. */
  repaired?: { rootref: string; sequence: number; lostFound: string[]; unlinked: string[] };
  /** Set when fsck could not run at all (no checkpoint, store unavailable). */
  error?: { errno: Errno; message: string };
}

export interface FsckOptions {
  repair?: boolean;
  quiet?: boolean;
  rootref?: string;
  /**
   * Print as the command does when a script runs it (rc1's `flux fsck --repair --job-aware --quiet`): "Checking
   * integrity ..." on stdout whatever --quiet says, and the errors on stderr through log_msg ("flux-fsck: ...").
   * Without it, the lines go into the log as fsck's own.
   */
  print?: (stream: "stdout" | "stderr", text: string) => void;
}

export function runFsck(h: Endpoint, knobs: Pick<Knobs, "contentHash">, opts: FsckOptions, done: (result: FsckResult) => void): void {
  const say = (level: "info" | "err" | "warning", text: string) => {
    if (opts.print) {
      if (level === "info") opts.print("stdout", text);
      else if (level === "err" || !opts.quiet) opts.print("stderr", `flux-fsck: ${text}`);
    } else if (level !== "info" || !opts.quiet) h.log(level, text);
  };
  const fail = (errno: Errno, message: string) => {
    say("err", message);
    done({ ok: false, missing: [], error: { errno, message } });
  };
  const walk = (root: { rootref: string; sequence: number }) => {
    new Walker(h, (result) => {
      for (const p of result.problems) say("err", p.kind === "missing-dirref" ? `${p.key}: missing dirref blobref` : `${p.key}: missing blobref(s)`);
      if (result.problems.length > 0) say("err", `Total errors: ${result.problems.length}`);
      const checked: FsckResult = { ok: result.problems.length === 0, ...root, missing: result.problems };
      if (!opts.repair || checked.ok) return done(checked);
      repair(h, knobs, root, result, say, (repaired, errno) => {
        if (errno) return fail(errno, `failed to checkpoint updated root: ${strerror(errno)}`);
        const repairs = repaired.lostFound.length + repaired.unlinked.length;
        if (repairs > 0) say("err", `Total repairs: ${repairs}`);
        done({ ...checked, repaired });
      });
    }).start(root.rootref);
  };
  if (opts.rootref) return walk({ rootref: opts.rootref, sequence: 0 });
  newestCheckpoint(h, (r) => {
    if (!r.ok) return fail(r.errno, `error fetching checkpoints: ${strerror(r.errno)}`);
    const latest = r.checkpoint;
    say("info", `Checking integrity of checkpoint from ${formatTimestamp(latest.timestamp)}`);
    walk({ rootref: latest.rootref, sequence: latest.sequence });
  });
}

interface WalkResult {
  problems: FsckProblem[];
  /** Every directory that could be loaded, by blobref, so repair can rebuild paths. */
  dirs: Map<string, DirObj>;
  /** For damaged values: the treeobj with only the blobs that still exist. */
  salvage: Map<string, TreeObj>;
}

/** Loads blobs straight from the backing store, many in flight at once, until the whole tree is visited. */
class Walker {
  private inFlight = 0;
  private result: WalkResult = { problems: [], dirs: new Map(), salvage: new Map() };

  constructor(
    private readonly h: Endpoint,
    private readonly done: (result: WalkResult) => void,
  ) {}

  start(rootref: string): void {
    this.visitDirref("", rootref);
    this.maybeDone();
  }

  private load(ref: string, then: (data: Uint8Array | undefined, errno?: Errno) => void): void {
    this.inFlight++;
    this.h.rpc("content-backing.load", ref, (r) => {
      this.inFlight--;
      if (r.ok) then(r.payload as Uint8Array);
      else then(undefined, r.errno);
      this.maybeDone();
    });
  }

  private maybeDone(): void {
    if (this.inFlight === 0) {
      this.result.problems.sort((a, b) => a.key.localeCompare(b.key));
      this.done(this.result);
    }
  }

  private visitDirref(path: string, ref: string): void {
    this.load(ref, (data) => {
      const obj = data && safeDecode(data);
      if (!obj || obj.type !== "dir") {
        this.result.problems.push({ key: path || ".", kind: "missing-dirref", blobrefs: [ref] });
        return;
      }
      this.result.dirs.set(ref, obj);
      for (const [name, entry] of Object.entries(obj.data)) this.visitEntry(path ? `${path}.${name}` : name, entry);
    });
  }

  private visitEntry(path: string, entry: TreeObj): void {
    if (entry.type === "dirref") this.visitDirref(path, entry.data[0]!);
    else if (entry.type === "dir") for (const [name, child] of Object.entries(entry.data)) this.visitEntry(`${path}.${name}`, child);
    else if (entry.type === "valref") this.visitValref(path, entry.data);
  }

  private visitValref(path: string, refs: string[]): void {
    const missing = new Set<string>();
    let waiting = refs.length;
    for (const ref of refs) {
      this.load(ref, (data) => {
        if (!data) missing.add(ref);
        if (--waiting === 0 && missing.size > 0) {
          this.result.problems.push({ key: path, kind: "missing-blobref", blobrefs: [...missing] });
          this.result.salvage.set(path, valref(refs.filter((r) => !missing.has(r))));
        }
      });
    }
  }
}

function safeDecode(data: Uint8Array): TreeObj | undefined {
  try {
    return decode(data);
  } catch {
    return undefined;
  }
}

type Say = (level: "info" | "err" | "warning", text: string) => void;

function repair(
  h: Endpoint,
  knobs: Pick<Knobs, "contentHash">,
  root: { rootref: string; sequence: number },
  walked: WalkResult,
  say: Say,
  done: (repaired: NonNullable<FsckResult["repaired"]>, errno?: Errno) => void,
): void {
  const ops: KvsOp[] = [];
  const lostFound: string[] = [];
  const unlinked: string[] = [];
  for (const problem of walked.problems) {
    if (problem.key === ".") continue; // the root itself is gone: nothing to rebuild from
    ops.push({ op: "unlink", key: problem.key });
    const salvaged = walked.salvage.get(problem.key);
    if (salvaged) {
      ops.push({ op: "link", key: `lost+found.${problem.key}`, treeobj: salvaged });
      lostFound.push(problem.key);
      say("warning", `${problem.key} repaired and moved to lost+found`);
    } else {
      unlinked.push(problem.key);
      say("warning", `${problem.key} unlinked due to missing blobref`);
    }
  }
  const rootDir = walked.dirs.get(root.rootref);
  const applied = rootDir && applyOps(rootDir, ops, { hash: knobs.contentHash, dirOf: (ref) => walked.dirs.get(ref) });
  if (!applied || !("newRoot" in applied)) return done({ rootref: root.rootref, sequence: root.sequence, lostFound, unlinked }, "EIO");
  const blobs = [...applied.blobs.values()];
  let waiting = blobs.length;
  let failed: Errno | undefined;
  const checkpoint = () => {
    const value: Checkpoint = { version: 1, rootref: applied.newRoot, sequence: root.sequence + 1, timestamp: wallClockSeconds(h.now()) };
    h.rpc("content-backing.checkpoint-put", { value }, (r) => {
      const repaired = { rootref: applied.newRoot, sequence: value.sequence, lostFound, unlinked };
      if (!r.ok) return done(repaired, r.errno);
      say("warning", "Updated primary checkpoint to include lost+found");
      done(repaired);
    });
  };
  for (const data of blobs) {
    h.rpc("content-backing.store", data, (r) => {
      if (!r.ok) failed ??= r.errno;
      else if (r.payload !== blobref(knobs.contentHash, data)) failed ??= "EIO";
      if (--waiting > 0) return;
      if (failed) return done({ rootref: root.rootref, sequence: root.sequence, lostFound, unlinked }, failed);
      checkpoint();
    });
  }
}
