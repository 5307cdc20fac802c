/**
 * rc1's restore with content.restore=auto (flux-core 0.88 etc/modprobe/rc1.py, src/cmd/builtin/restore.c):
 * when dump/RESTORE is a link, content-sqlite is loaded with `truncate` (its database unlinked), then
 * `flux restore --checkpoint --size-limit=100M <dump>` stores every value and directory through the content
 * cache and writes a checkpoint of sequence 0; RESTORE is unlinked only if that succeeded, and rc1 then runs
 * no fsck. The archive is read with fflate (gunzip) and a ustar reader of this file (nanotar's reader skips
 * ustar's prefix and link-name fields, which flux-dump's archives use).
 */
import { gunzipSync } from "fflate";
import { BLOBREF_MAX_STRING_SIZE } from "../common/blobref.ts";
import type { Checkpoint } from "../modules/content-sqlite/content-sqlite.ts";
import { dir, dirEntry, dirref, encode, setDirEntry, symlink, val, valref, type DirObj, type TreeObj } from "../modules/kvs/treeobj.ts";
import { type Disk, DUMP_DIR } from "../disk/disk.ts";
import type { Endpoint } from "../sim/bus.ts";
import { type Errno, strerror } from "../sim/errno.ts";
import { RESTORE_LINK } from "./content-dump.ts";

/** --size-limit=100M, as rc1 passes it: a bigger value is skipped with a line. */
const SIZE_LIMIT = 100 * 1024 * 1024;
/** flux restore's default --maxreqs: content.store requests in flight at once. */
const WINDOW = 256;

/** The dump rc1 would restore from: what dump/RESTORE names, or undefined when there is no link. */
export function restoreTarget(disk: Disk): string | undefined {
  const target = disk.readLink(RESTORE_LINK);
  return target === undefined ? undefined : `${DUMP_DIR}/${target}`;
}

export interface RestoreContext {
  disk: Disk;
  h: Endpoint;
  say: (level: "info" | "err", text: string) => void;
}

/**
 * rc1's restore task. Answers `restored` true once the checkpoint is written (rc1 then skips fsck); a dump
 * that is gone is not restored and not an error, as rc1.py only runs flux restore if the file exists.
 */
export function runRestore(ctx: RestoreContext, dumpfile: string, next: (errno?: Errno, text?: string, restored?: boolean) => void): void {
  const { disk, say } = ctx;
  say("info", `restoring content from ${disk.displayPath(dumpfile)}`);
  if (!disk.exists(dumpfile)) return next();
  const failed = (message: string) => {
    say("err", `flux-restore: ${message}`);
    next("EIO", "bash: exited with exit status 1");
  };
  let entries: TarEntry[];
  try {
    entries = readTar(gunzipSync(disk.fs.readFile(disk.path(dumpfile))));
  } catch (e) {
    return failed(e instanceof Error ? e.message : String(e));
  }
  new SnapshotStore(ctx.h, say, (rootref, timestamp, error) => {
    if (error) return failed(error);
    // restoring, therefore the sequence number starts again at 0 (restore.c)
    const value: Checkpoint = { version: 1, rootref: rootref!, sequence: 0, timestamp };
    ctx.h.rpc("content.checkpoint-put", { value }, (r) => {
      if (!r.ok) return failed(`error updating checkpoint: ${r.errstr ?? strerror(r.errno)}`);
      ctx.h.rpc("content.flush", {}, (f) => {
        if (!f.ok) say("err", `flux-restore: error flushing content cache: ${strerror(f.errno)}`);
        if (disk.exists(RESTORE_LINK)) disk.remove(RESTORE_LINK);
        next(undefined, undefined, true);
      });
    });
  }).run(entries);
}

interface TarEntry {
  path: string;
  /** A regular file's bytes; undefined for a symlink. */
  data?: Uint8Array;
  symlink?: string;
  mtime: number;
}

const decoder = new TextDecoder();
const field = (block: Uint8Array, at: number, size: number) => {
  const bytes = block.subarray(at, at + size);
  const end = bytes.indexOf(0);
  return decoder.decode(end < 0 ? bytes : bytes.subarray(0, end));
};
const octal = (block: Uint8Array, at: number, size: number) => parseInt(field(block, at, size).trim() || "0", 8);

/** The regular files and symlinks of a ustar archive, in order (libarchive's read of what flux-dump wrote). */
function readTar(tar: Uint8Array): TarEntry[] {
  const entries: TarEntry[] = [];
  for (let at = 0; at + 512 <= tar.length && tar[at] !== 0; ) {
    const header = tar.subarray(at, at + 512);
    const prefix = field(header, 345, 155);
    const name = field(header, 0, 100);
    const path = prefix ? `${prefix}/${name}` : name;
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156] || 0x30);
    const mtime = octal(header, 136, 12);
    if (at + 512 + size > tar.length) throw new Error("Truncated tar archive");
    if (type === "2") entries.push({ path, symlink: field(header, 157, 100), mtime });
    else if (type === "0") entries.push({ path, data: tar.slice(at + 512, at + 512 + size), mtime });
    at += 512 + Math.ceil(size / 512) * 512;
  }
  return entries;
}

/**
 * restore_snapshot(): the entries become a tree in memory (a value under 72 bytes inline, a bigger one one
 * blob), the value blobs are stored with up to WINDOW requests in flight, then the directories bottom-up.
 */
class SnapshotStore {
  private readonly root: DirObj = dir();
  private inFlight = 0;
  private timestamp = 0;
  private readonly pendingValues: { path: string; data: Uint8Array }[] = [];
  private error: string | undefined;
  private dirsStarted = false;

  constructor(
    private readonly h: Endpoint,
    private readonly say: (level: "info" | "err", text: string) => void,
    private readonly done: (rootref: string | undefined, timestamp: number, error?: string) => void,
  ) {}

  run(entries: TarEntry[]): void {
    for (const e of entries) {
      this.timestamp = Math.max(this.timestamp, e.mtime);
      if (e.symlink !== undefined) this.insert(e.path, symlinkObj(e.symlink));
      else if (e.data!.length > SIZE_LIMIT) this.say("err", `${e.path} size ${e.data!.length} exceeds ${SIZE_LIMIT} limit, skipping`);
      else if (e.data!.length < BLOBREF_MAX_STRING_SIZE) this.insert(e.path, val(e.data!));
      else this.pendingValues.push({ path: e.path, data: e.data! });
    }
    this.pumpValues();
  }

  private pumpValues(): void {
    while (this.inFlight < WINDOW && this.pendingValues.length > 0 && !this.error) {
      const { path, data } = this.pendingValues.shift()!;
      this.inFlight++;
      this.h.rpc("content.store", data, (r) => {
        this.inFlight--;
        if (!r.ok) this.error ??= `error storing blob for ${path}: ${strerror(r.errno)}`;
        else this.insert(path, valref([r.payload as string]));
        this.pumpValues();
      });
    }
    if (this.inFlight === 0 && (this.pendingValues.length === 0 || this.error) && !this.dirsStarted) {
      this.dirsStarted = true;
      this.storeDirs();
    }
  }

  /** Each directory once all of its subdirectories are stored and replaced by their dirrefs; the root's ref ends it. */
  private storeDirs(): void {
    if (this.error) return this.done(undefined, this.timestamp, this.error);
    this.storeDir(this.root, (ref, error) => this.done(ref, this.timestamp, error));
  }

  private storeDir(d: DirObj, stored: (ref: string | undefined, error?: string) => void): void {
    const children = Object.entries(d.data).filter(([, entry]) => entry.type === "dir");
    let waiting = children.length;
    let failure: string | undefined;
    const storeSelf = () => {
      if (failure) return stored(undefined, failure);
      this.h.rpc("content.store", encode(d), (r) => (r.ok ? stored(r.payload as string) : stored(undefined, `error storing dirref blob: ${strerror(r.errno)}`)));
    };
    if (waiting === 0) return storeSelf();
    for (const [name, child] of children) {
      this.storeDir(child as DirObj, (ref, error) => {
        if (error) failure ??= error;
        else setDirEntry(d, name, dirref(ref!));
        if (--waiting === 0) storeSelf();
      });
    }
  }

  /** restore_treeobj(): make the directories on the way, and put the object at the path's last name. */
  private insert(path: string, obj: TreeObj): void {
    const names = path.split("/");
    let at = this.root;
    for (const name of names.slice(0, -1)) {
      const entry = dirEntry(at, name);
      if (entry === undefined) {
        const made = dir();
        setDirEntry(at, name, made);
        at = made;
      } else if (entry.type === "dir") at = entry;
      else return void (this.error ??= `${name} in ${path} is not a directory`);
    }
    setDirEntry(at, names.at(-1)!, obj);
  }
}

/** A dump's symlink target: "ns::target" names a namespace (restore_symlink). */
function symlinkObj(target: string): TreeObj {
  const cut = target.indexOf("::");
  return cut < 0 ? symlink(target) : { ver: 1, type: "symlink", data: { namespace: target.slice(0, cut), target: target.slice(cut + 2) } };
}
