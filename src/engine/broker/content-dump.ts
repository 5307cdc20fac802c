/**
 * `flux dump --checkpoint --no-cache --maxreqs=128 --ignore-failed-read FILE.tgz` as rc3's content-dump task
 * runs it (flux-core 0.88 src/cmd/builtin/dump.c over src/common/libkvs/kvs_treewalk.c): the newest
 * checkpoint's tree is walked with up to 128 content-backing.load requests in flight, first in, first out,
 * and each key becomes one archive entry as it completes (an inline value or a symlink at once, a valref once
 * all its blobs are in, a directory's children once it is loaded). The archive is a real gzip'd tar: nanotar
 * writes the ustar entries, fflate the gzip stream (see docs/system.md).
 */
import { gzipSync } from "fflate";
import { createTar, type TarFileItem } from "nanotar";
import { newestCheckpoint } from "./newest-checkpoint.ts";
import { decode, fromBase64, type TreeObj } from "../modules/kvs/treeobj.ts";
import { type Disk, DUMP_DIR } from "../disk/disk.ts";
import type { Endpoint } from "../sim/bus.ts";
import { type Errno, strerror } from "../sim/errno.ts";
import { wallClockSeconds } from "../sim/wallclock.ts";

/** One archive entry: a regular file (a value), or a symlink (a KVS symlink, `ns::target` with a namespace). */
export interface DumpEntry {
  path: string;
  data?: Uint8Array;
  symlink?: string;
  /** Seconds since the epoch: the checkpoint's time for a valref, 0 for an inline value (dump.c sets none). */
  mtime: number;
  uid: number;
  gid: number;
}

export type DumpWalk =
  | { ok: true; entries: DumpEntry[]; timestamp: number; readErrors: string[] }
  | { ok: false; error: string };

/** flux dump --maxreqs=128, as rc3 passes it. */
const WINDOW = 128;
/** The dumping process's uid and gid: rc3 runs as the instance owner, whose ids the model does not know. */
const DUMP_UID = 0;

/** Walk the newest checkpoint's tree as flux-dump does; answers the entries in the order flux-dump writes them. */
export function walkCheckpoint(h: Endpoint, done: (result: DumpWalk) => void): void {
  newestCheckpoint(h, (r) => {
    if (!r.ok) return done({ ok: false, error: `error fetching checkpoints: ${strerror(r.errno)}` });
    const latest = r.checkpoint;
    new TreeWalk(h, latest.timestamp, (entries, readErrors) => done({ ok: true, entries, timestamp: latest.timestamp, readErrors })).run(latest.rootref);
  });
}

interface LoadOp {
  ref: string;
  /** A dirref's path, or the valref this blob is part of. */
  path?: string;
  value?: { path: string; blobs: (Uint8Array | undefined)[]; remaining: number };
  index: number;
}

/** kvs_treewalk: a FIFO of loads, at most WINDOW in flight; inline objects are handled as they are found. */
class TreeWalk {
  private readonly queue: LoadOp[] = [];
  private inFlight = 0;
  private readonly entries: DumpEntry[] = [];
  private readonly readErrors: string[] = [];

  constructor(
    private readonly h: Endpoint,
    private readonly dumpTime: number,
    private readonly done: (entries: DumpEntry[], readErrors: string[]) => void,
  ) {}

  run(rootref: string): void {
    this.queue.push({ ref: rootref, path: "", index: 0 });
    this.pump();
  }

  private pump(): void {
    while (this.inFlight < WINDOW && this.queue.length > 0) {
      const op = this.queue.shift()!;
      this.inFlight++;
      this.h.rpc("content-backing.load", op.ref, (r) => {
        this.inFlight--;
        if (op.value) this.valrefBlob(op, r.ok ? (r.payload as Uint8Array) : undefined, r.ok ? undefined : strerror(r.errno));
        else this.dirLoaded(op.path!, r.ok ? (r.payload as Uint8Array) : undefined, r.ok ? undefined : strerror(r.errno));
        this.pump();
        if (this.inFlight === 0 && this.queue.length === 0) this.done(this.entries, this.readErrors);
      });
    }
  }

  private dirLoaded(path: string, data: Uint8Array | undefined, error: string | undefined): void {
    if (!data) return void this.readErrors.push(`${path}: could not load content: ${error}`);
    let obj: TreeObj;
    try {
      obj = decode(data);
    } catch {
      return void this.readErrors.push(`${path}: could not decode tree object`);
    }
    if (obj.type !== "dir") return void this.readErrors.push(`${path}: dirref references non-directory`);
    this.walkDir(path, obj.data);
  }

  /** A directory's entries in its JSON order: the keys sorted bytewise, as treeobj_encode writes them. */
  private walkDir(path: string, data: Record<string, TreeObj>): void {
    const names = Object.keys(data).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const name of names) this.classify(path === "" ? name : `${path}/${name}`, data[name]!);
  }

  private classify(path: string, obj: TreeObj): void {
    switch (obj.type) {
      case "dir":
        return this.walkDir(path, obj.data);
      case "dirref":
        return void this.queue.push({ ref: obj.data[0]!, path, index: 0 });
      case "valref": {
        const value = { path, blobs: new Array<Uint8Array | undefined>(obj.data.length), remaining: obj.data.length };
        obj.data.forEach((ref, index) => this.queue.push({ ref, value, index }));
        return;
      }
      case "val":
        return void this.entries.push({ path, data: fromBase64(obj.data), mtime: 0, uid: 0, gid: 0 });
      case "symlink": {
        const { namespace, target } = obj.data;
        return void this.entries.push({ path, symlink: namespace ? `${namespace}::${target}` : target, mtime: 0, uid: 0, gid: 0 });
      }
    }
  }

  /** One blob of a valref is in; with the last, the value is written, or skipped if a blob is missing (--ignore-failed-read). */
  private valrefBlob(op: LoadOp, data: Uint8Array | undefined, error: string | undefined): void {
    const value = op.value!;
    value.blobs[op.index] = data;
    if (!data) this.readErrors.push(`${value.path}: missing blobref ${op.index}: ${error}`);
    if (--value.remaining > 0 || value.blobs.some((b) => !b)) return;
    this.entries.push({ path: value.path, data: concat(value.blobs as Uint8Array[]), mtime: this.dumpTime, uid: DUMP_UID, gid: DUMP_UID });
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** What the model's archive writer cannot write; flux-dump's own message would be libarchive's. */
export class DumpError extends Error {}

const TAR_BLOCK = 512;
const USTAR_NAME = 100;
const USTAR_PREFIX = 155;

/**
 * The .tgz flux-dump writes: ustar entries (mode 0644, no directory entries), padded to tar's 10,240-byte
 * record, gzip'd at zlib's default level with the checkpoint's time as the gzip header's. nanotar writes
 * files only, so a symlink's header gets its type and target here, and a path longer than ustar's 100-byte
 * name field is split into its prefix field, as libarchive's restricted pax writer does; a path that does
 * not fit there either is refused (libarchive would write a pax extended header).
 */
export function dumpArchive(entries: readonly DumpEntry[], timestamp: number): Uint8Array {
  const items: TarFileItem[] = entries.map((e) => ({
    name: e.path,
    ...(e.data ? { data: e.data } : {}),
    attrs: { mode: "644", uid: e.uid, gid: e.gid, mtime: e.mtime * 1000, user: "", group: "" },
  }));
  const tar = createTar(items);
  let offset = 0;
  for (const e of entries) {
    const header = tar.subarray(offset, offset + TAR_BLOCK);
    if (e.symlink !== undefined) {
      header[156] = "2".charCodeAt(0);
      writeField(header, 157, USTAR_NAME, e.symlink);
    }
    const path = encoder.encode(e.path);
    if (path.length > USTAR_NAME) splitLongPath(header, path, e.path);
    writeChecksum(header);
    offset += TAR_BLOCK + Math.ceil((e.data?.length ?? 0) / TAR_BLOCK) * TAR_BLOCK;
  }
  return gzipSync(tar, { level: 6, mtime: timestamp * 1000 });
}

const encoder = new TextEncoder();

/** ustar's way with a long path: the part up to a '/' in the 155-byte prefix field, the rest in the name field. */
function splitLongPath(header: Uint8Array, bytes: Uint8Array, path: string): void {
  for (let cut = bytes.lastIndexOf(0x2f); cut > 0; cut = bytes.lastIndexOf(0x2f, cut - 1)) {
    if (cut > USTAR_PREFIX) continue;
    if (bytes.length - cut - 1 > USTAR_NAME) break;
    header.fill(0, 0, USTAR_NAME).set(bytes.subarray(cut + 1), 0);
    header.fill(0, 345, 345 + USTAR_PREFIX).set(bytes.subarray(0, cut), 345);
    return;
  }
  throw new DumpError(`${path}: pathname too long for a ustar header (the model writes no pax extended headers)`);
}

function writeField(header: Uint8Array, at: number, size: number, text: string): void {
  const bytes = encoder.encode(text);
  if (bytes.length > size) throw new DumpError(`symlink target too long for a ustar header: ${text}`);
  header.fill(0, at, at + size).set(bytes, at);
}

/** ustar's checksum as libarchive writes it: the header's byte sum with the field as spaces, six octal digits, NUL, space. */
function writeChecksum(header: Uint8Array): void {
  header.fill(0x20, 148, 156);
  const sum = header.reduce((n, b) => n + b, 0);
  const text = `${sum.toString(8).padStart(6, "0")}\0 `;
  for (let i = 0; i < 8; i++) header[148 + i] = text.charCodeAt(i);
}

/** dump/RESTORE: the link rc3 makes to a whole dump, and rc1 restores from. */
export const RESTORE_LINK = `${DUMP_DIR}/RESTORE`;
/** libarchive's gzip filter hands the file writer its output 64 KiB at a time (issue 18's partial dump: 14 of them). */
const ARCHIVE_WRITE_BYTES = 64 * 1024;

/** What the content-dump task needs of the broker: the statedir, rc3's output lines, and a client of its own. */
export interface DumpContext {
  disk: Disk;
  h: Endpoint;
  /** An rc3 line ("dumping content to ..."), as the broker logs the task's output. */
  say: (level: "info" | "err", text: string) => void;
}

/**
 * rc3's content-dump task with content.dump=auto (etc/modprobe/rc3.py): `mkdir -p dump`, the file named by the
 * wall clock, then flux dump; the RESTORE link only if it succeeded. flux-dump opens (and truncates) its file
 * before it fetches the checkpoint, so a dump that fails leaves a file, empty or partial.
 */
export function runContentDump(ctx: DumpContext, next: (errno?: Errno, text?: string) => void): void {
  const { disk, say } = ctx;
  const name = `${DUMP_DIR}/${dumpFileName(wallClockSeconds(ctx.h.now()))}`;
  disk.makeDumpDir();
  say("info", `dumping content to ${disk.displayPath(name)}`);
  const file = disk.openForWrite(name);
  const failed = (message: string) => {
    file.close();
    say("err", `flux-dump: ${message}`);
    next("EIO", "bash: exited with exit status 1");
  };
  walkCheckpoint(ctx.h, (walk) => {
    if (!walk.ok) return failed(walk.error);
    for (const error of walk.readErrors) say("err", error);
    let archive: Uint8Array;
    try {
      archive = dumpArchive(walk.entries, walk.timestamp);
    } catch (e) {
      if (e instanceof DumpError) return failed(e.message);
      throw e;
    }
    // libarchive's file writer: a refused write() is "Write error" (archive_write_open_filename)
    if (file.write(archive, ARCHIVE_WRITE_BYTES) < archive.length) return failed("Write error");
    file.close();
    const base = name.slice(DUMP_DIR.length + 1);
    try {
      disk.symlink(base, RESTORE_LINK);
    } catch {
      // os.symlink raises when RESTORE is there already: the task fails after a whole dump
      return next("EEXIST", `[Errno 17] File exists: '${base}' -> '${disk.displayPath(RESTORE_LINK)}'`);
    }
    next();
  });
}

/** rc3.py's `datetime.now().strftime("%Y%m%d_%H%M%S") + ".tgz"`; local time is UTC in the model. */
export function dumpFileName(seconds: number): string {
  const iso = new Date(Math.floor(seconds) * 1000).toISOString();
  return `${iso.slice(0, 10).replaceAll("-", "")}_${iso.slice(11, 19).replaceAll(":", "")}.tgz`;
}
