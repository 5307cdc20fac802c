/**
 * The statedir filesystem: a directory of Emscripten's in-memory FS that
 * behaves as a tmpfs of a given size. The quota is enforced inside the
 * filesystem's write() and ftruncate(), below SQLite, so SQLite meets a full
 * disk the way it does on Linux and reports SQLITE_FULL by itself. Nothing
 * above this file is ever told "the disk is full".
 *
 * As on tmpfs, space is counted in whole 4 KiB pages: a file holds
 * ceil(size / 4096) of them (what `df` reports), and a write that reaches
 * the end of the free pages writes what fits and returns a short count
 * (SQLite's unixWrite then writes the rest and meets ENOSPC); only a write
 * of which nothing fits fails. A file keeps what it grew to when the
 * transaction that grew it fails.
 */
import type { EmscriptenFS, FsNode, FsStream, Memfs, MemfsStreamOps, SqlJsWithFS } from "./sqljs-patch.ts";
import { FluxError, type Errno } from "../sim/errno.ts";

/** tmpfs's unit of space: a page. */
export const PAGE_BYTES = 4096;

/** The pages a file of `bytes` holds (files here have no holes: MEMFS fills a gap with zeros). */
const pagesOf = (bytes: number) => Math.ceil(bytes / PAGE_BYTES);

/** SQLite's WAL index maps in regions of this size. */
const WAL_INDEX_REGION = 32 * 1024;

/**
 * A file's size as it would be on Linux. SQLite sizes its WAL index (the
 * -shm file) in whole mappings of max(32 KiB region, the OS page): one
 * region at a time on Linux's 4 KiB pages, two in WebAssembly, whose page is
 * 64 KiB, so here it is 64 KiB where real Flux's is 32 KiB (flux-model.md
 * §13). Counted as Linux holds it: the second region of the first mapping
 * only once SQLite uses it. Exact for a WAL index of one region, i.e. up to
 * 4,062 WAL frames (a 16 MiB WAL); beyond, it may count 32 KiB too few.
 */
function sizeOnLinux(name: string, bytes: number): number {
  if (!name.endsWith("-shm") || bytes <= WAL_INDEX_REGION) return bytes;
  return Math.max(WAL_INDEX_REGION, bytes - WAL_INDEX_REGION);
}

/** Emscripten (WASI) errno numbers thrown from FS operations. */
const WASI_ERRNO: Partial<Record<Errno, number>> = { ENOSPC: 51, EIO: 29 };

export interface DiskFile {
  path: string;
  /** The name in the statedir; a file of the dump directory is "dump/<name>". */
  name: string;
  bytes: number;
  owner: string;
  /** A symbolic link's target (as `readlink` prints it); a link takes no page: tmpfs keeps a short target in the inode. */
  link?: string;
}

/** rc3's content-dump writes into this directory of the statedir (flux-core etc/modprobe/rc3.py). */
export const DUMP_DIR = "dump";

export interface DiskEvents {
  /** A write (or a growing truncate) of `bytes` was refused: not one more page was free, or a fault was injected. */
  onRefused(name: string, bytes: number, used: number, errno: Errno): void;
  /** Another consumer changed the free space (fill, remove, resize), as a filesystem watcher would notice. */
  onSpaceChanged?(): void;
}

interface OwnerRule {
  prefix: string;
  owner: string;
}

/** A one-shot write fault on files whose name starts with a prefix (a flaky disk). */
interface Fault {
  prefix: string;
  errno: Errno;
}

/** Where the statedir is, as far as anything visible is concerned (rank 0's statedir on a system instance). */
export const STATEDIR_DISPLAY = "/var/lib/flux";

const disks = new Map<FsNode, Disk>();
const patchedFs = new WeakSet<EmscriptenFS>();

export class Disk {
  readonly fs: EmscriptenFS;
  private readonly rootNode: FsNode;
  private quotaPages: number;
  private owners: OwnerRule[] = [];
  private faults: Fault[] = [];
  private fillCount = 0;
  /** The statedir's dump/ directory, once made: its files count on the quota as the statedir's own do. */
  private dumpNode: FsNode | undefined;
  /** Files a program has open for writing (a dump being written): an admin's `rm` of them is refused. */
  private readonly writing = new Set<string>();
  /** The outermost directory the constructor had to create (removed again by dispose). */
  private readonly createdDir: string;
  /**
   * Counts every change to a file's size or to the statedir's listing (the hooks below, restore, the dump dir): the
   * pages used and the file signature are worked out again only when it moved (the page's recorder reads both after
   * every trace event, and most events change neither).
   */
  private changes = 0;
  private readonly pagesUsed = { at: -1, pages: 0 };
  private readonly signature = { at: -1, text: "" };
  events: DiskEvents | undefined;

  /**
   * @param root a directory of its own in the shared MEMFS; it is created empty.
   */
  constructor(
    sql: SqlJsWithFS,
    readonly root: string,
    quota: number,
  ) {
    this.fs = sql.FS;
    installQuotaHooks(sql);
    if (this.fs.analyzePath(root).exists) removeTree(this.fs, root);
    this.createdDir = firstMissingDir(this.fs, root);
    this.fs.mkdirTree(root);
    this.rootNode = this.fs.lookupPath(root).node;
    this.quotaPages = pagesOfQuota(quota);
    disks.set(this.rootNode, this);
  }

  /** Forget this disk and its files (the end of a run). */
  dispose(): void {
    disks.delete(this.rootNode);
    if (this.dumpNode) disks.delete(this.dumpNode);
    removeTree(this.fs, this.createdDir);
  }

  path(name: string): string {
    return `${this.root}/${name}`;
  }

  /**
   * The path log lines show: the same for every run, whatever directory of
   * the shared in-memory FS this disk lives in, so traces compare byte for byte.
   */
  displayPath(name: string): string {
    return `${STATEDIR_DISPLAY}/${name}`;
  }

  /** The filesystem's size: whole pages, as tmpfs rounds its `size=` up. */
  get quota(): number {
    return this.quotaPages * PAGE_BYTES;
  }

  /** Bytes in use as `df` counts them: every file's size rounded up to whole pages. */
  get used(): number {
    return this.usedPages() * PAGE_BYTES;
  }

  get free(): number {
    return Math.max(0, this.quotaPages - this.usedPages()) * PAGE_BYTES;
  }

  /** Change the size of the filesystem. Shrinking below what is used is allowed: writes that grow a file then fail. */
  setQuota(bytes: number): void {
    this.quotaPages = pagesOfQuota(bytes);
    this.events?.onSpaceChanged?.();
  }

  /** Files whose name starts with `prefix` belong to `owner` (e.g. "content.sqlite" -> content-sqlite). */
  claim(prefix: string, owner: string): void {
    this.owners.push({ prefix, owner });
  }

  files(): DiskFile[] {
    const top = this.fileNodes().map((node) => this.fileOf(node.name, node));
    return [...top, ...this.dumpFiles()].sort((a, b) => a.name.localeCompare(b.name));
  }

  private fileOf(name: string, node: FsNode): DiskFile {
    return { path: this.path(name), name, bytes: sizeOnLinux(node.name, node.usedBytes), owner: this.ownerOf(name) };
  }

  /** dump/'s files and links ("dump/RESTORE" -> "20261124_000000.tgz"). */
  private dumpFiles(): DiskFile[] {
    if (!this.dumpNode) return [];
    const out: DiskFile[] = [];
    for (const node of Object.values(this.dumpNode.contents as Record<string, FsNode>)) {
      const name = `${DUMP_DIR}/${node.name}`;
      if (this.fs.isFile(node.mode)) out.push(this.fileOf(name, node));
      else if (this.fs.isLink(node.mode)) out.push({ path: this.path(name), name, bytes: 0, owner: this.ownerOf(name), link: this.fs.readlink(this.path(name)) });
    }
    return out;
  }

  /** `mkdir -p <statedir>/dump`: made once, and counted with the statedir from then on. */
  makeDumpDir(): void {
    if (this.dumpNode) return;
    this.fs.mkdirTree(this.path(DUMP_DIR));
    this.dumpNode = this.fs.lookupPath(this.path(DUMP_DIR)).node;
    disks.set(this.dumpNode, this);
    this.changed();
  }

  /** `ln -s target name` (the dump's RESTORE link): EEXIST if `name` is there already, as os.symlink raises. */
  symlink(target: string, name: string): void {
    this.fs.symlink(target, this.path(name));
  }

  /** A link's target, or undefined when `name` is no link. */
  readLink(name: string): string | undefined {
    const node = this.dumpNode && (this.dumpNode.contents as Record<string, FsNode>)[name.slice(DUMP_DIR.length + 1)];
    return name.startsWith(`${DUMP_DIR}/`) && node && this.fs.isLink(node.mode) ? this.fs.readlink(this.path(name)) : undefined;
  }

  /**
   * Write `bytes` to a new file (O_CREAT|O_TRUNC) as libarchive's file writer does: `piece` bytes a write(), a
   * short write continued, stopping at the first refused one. Returns the bytes that reached the file. The file
   * counts as being written (`isBeingWritten`) from `open` to `close`, which the caller calls when its program ends.
   */
  openForWrite(name: string): { write: (bytes: Uint8Array, piece: number) => number; close: () => void } {
    const stream = this.fs.open(this.path(name), "w");
    this.writing.add(name);
    return {
      write: (bytes, piece) => {
        let written = 0;
        try {
          while (written < bytes.length) written += this.fs.write(stream, bytes, written, Math.min(piece, bytes.length - written));
        } catch {
          // the refused write: what got through stays
        }
        this.events?.onSpaceChanged?.();
        return written;
      },
      close: () => {
        this.writing.delete(name);
        this.fs.close(stream);
      },
    };
  }

  isBeingWritten(name: string): boolean {
    return this.writing.has(name);
  }

  /** Every file's name and size in one string: cheap to compare, to notice that any of them changed (for the page's recorder). */
  fileSignature(): string {
    if (this.signature.at !== this.changes) this.signature.text = this.signatureNow();
    this.signature.at = this.changes;
    return this.signature.text;
  }

  /** A file's size or the listing may have changed (from the FS hooks of installQuotaHooks, restore and makeDumpDir). */
  changed(): void {
    this.changes++;
  }

  private signatureNow(): string {
    let signature = "";
    for (const dir of this.dumpNode ? [this.rootNode, this.dumpNode] : [this.rootNode]) {
      const contents = dir.contents as Record<string, FsNode>;
      for (const name in contents) {
        const node = contents[name]!;
        if (this.fs.isFile(node.mode)) signature += `${name}=${node.usedBytes};`;
        else if (this.fs.isLink(node.mode)) signature += `${name}@;`;
      }
    }
    return signature;
  }

  exists(name: string): boolean {
    return this.fs.analyzePath(this.path(name)).exists;
  }

  /**
   * Another consumer writes a file into the statedir, `dd`-style: 64 KiB at a
   * time until `size` bytes are written or the filesystem refuses (dd's last
   * write is short: up to the end of the last free page). Returns the file
   * as it ended up (possibly shorter than asked).
   */
  fill(size: number, name?: string): DiskFile {
    const fileName = name ?? `fill-${++this.fillCount}.dat`;
    const stream = this.fs.open(this.path(fileName), "a");
    const chunk = new Uint8Array(64 * 1024).fill(0x5a);
    try {
      for (let written = 0; written < size; ) written += this.fs.write(stream, chunk, 0, Math.min(chunk.length, size - written));
    } catch {
      // dd stops at the first refused write
    } finally {
      this.fs.close(stream);
    }
    this.events?.onSpaceChanged?.();
    return this.file(fileName)!;
  }

  /**
   * Write a whole file as a careful program does: a short write (the disk
   * filled up) is an ENOSPC error, with the file left as far as it got.
   */
  writeWhole(name: string, bytes: Uint8Array): void {
    const stream = this.fs.open(this.path(name), "w");
    try {
      if (this.fs.write(stream, bytes, 0, bytes.length) < bytes.length) throw refusal(this.fs, WASI_ERRNO.ENOSPC!);
    } finally {
      this.fs.close(stream);
    }
  }

  /** `rm`: a file, or a link (never what it points to). */
  remove(name: string): DiskFile | undefined {
    const file = this.file(name);
    if (file) this.fs.unlink(this.path(name));
    this.events?.onSpaceChanged?.();
    return file;
  }

  file(name: string): DiskFile | undefined {
    return this.files().find((f) => f.name === name);
  }

  /** The next write to a file whose name starts with `prefix` fails once with `errno`. */
  injectFault(prefix: string, errno: Errno): void {
    this.faults.push({ prefix, errno });
  }

  /** Copy of every file's bytes: what a power loss leaves behind. */
  snapshot(): Map<string, Uint8Array> {
    const files = new Map<string, Uint8Array>();
    for (const node of this.fileNodes()) files.set(node.name, this.fs.readFile(this.path(node.name)).slice());
    return files;
  }

  /** Put the statedir back exactly as `snapshot` found it (bypassing the quota: these bytes were already on disk). */
  restore(files: Map<string, Uint8Array>): void {
    for (const node of this.fileNodes()) if (!files.has(node.name)) this.fs.unlink(this.path(node.name));
    disks.delete(this.rootNode);
    try {
      for (const [name, bytes] of files) this.fs.writeFile(this.path(name), bytes);
    } finally {
      disks.set(this.rootNode, this);
      this.changed();
    }
  }

  /**
   * Called from the write hook before `length` bytes are written to a file of
   * this disk at `position` (on every write: kept free of allocation).
   * Returns how many of them fit, as tmpfs writes them: all, or up to the end
   * of the last free page; throws ENOSPC if not one byte fits.
   */
  writableBytes(node: FsNode, position: number, length: number): number {
    if (this.faults.length > 0) this.consumeFault(node, length);
    const held = pagesOf(sizeOnLinux(node.name, node.usedBytes));
    const wanted = pagesOf(sizeOnLinux(node.name, Math.max(node.usedBytes, position + length))) - held;
    if (wanted <= 0) return length;
    const free = Math.max(0, this.quotaPages - this.usedPages());
    if (wanted <= free) return length;
    // SQLite grows its WAL index one byte per page (unixShmMap): nothing to cut short there
    const fits = node.name.endsWith("-shm") ? 0 : (held + free) * PAGE_BYTES - position;
    if (fits > 0) return fits;
    this.refuse(node, length, "ENOSPC");
  }

  /** Called from the truncate hook before a file of this disk is resized to `size`: a truncate cannot be short, so it fits whole or fails. */
  checkResize(node: FsNode, size: number): void {
    if (this.faults.length > 0) this.consumeFault(node, size);
    const wanted = pagesOf(sizeOnLinux(node.name, size)) - pagesOf(sizeOnLinux(node.name, node.usedBytes));
    if (wanted > 0 && wanted > this.quotaPages - this.usedPages()) this.refuse(node, size - node.usedBytes, "ENOSPC");
  }

  // fileNodes() without its array: this runs before every write that grows a file
  private usedPages(): number {
    if (this.pagesUsed.at !== this.changes) this.pagesUsed.pages = this.pagesIn(this.rootNode) + (this.dumpNode ? this.pagesIn(this.dumpNode) : 0);
    this.pagesUsed.at = this.changes;
    return this.pagesUsed.pages;
  }

  private pagesIn(dir: FsNode): number {
    let pages = 0;
    const contents = dir.contents as Record<string, FsNode>;
    for (const name in contents) {
      const node = contents[name]!;
      if (this.fs.isFile(node.mode)) pages += pagesOf(sizeOnLinux(node.name, node.usedBytes));
    }
    return pages;
  }

  private consumeFault(node: FsNode, bytes: number): void {
    const fault = this.faults.find((f) => node.name.startsWith(f.prefix));
    if (!fault) return;
    this.faults.splice(this.faults.indexOf(fault), 1);
    this.refuse(node, bytes, fault.errno);
  }

  private refuse(node: FsNode, bytes: number, errno: Errno): never {
    this.events?.onRefused(node.parent === this.dumpNode ? `${DUMP_DIR}/${node.name}` : node.name, bytes, this.used, errno);
    throw refusal(this.fs, WASI_ERRNO[errno] ?? WASI_ERRNO.EIO!);
  }

  private ownerOf(name: string): string {
    return this.owners.find((rule) => name.startsWith(rule.prefix))?.owner ?? "other";
  }

  private fileNodes(): FsNode[] {
    const contents = this.rootNode.contents as Record<string, FsNode>;
    return Object.values(contents).filter((node) => this.fs.isFile(node.mode));
  }
}

/** A filesystem size in pages; a size that is not one (negative, not a number, below one page) is refused with its value. */
function pagesOfQuota(bytes: number): number {
  if (!(Number.isFinite(bytes) && bytes >= PAGE_BYTES)) {
    throw new FluxError("EINVAL", `disk quota: ${String(bytes)} bytes is not a filesystem size; it must be a number of at least one ${PAGE_BYTES}-byte page`);
  }
  return pagesOf(bytes);
}

/**
 * The error a refused write throws, made once per FS and errno. Emscripten's
 * callers read only its `name` and `errno` (SQLite gets the errno), and a
 * full disk refuses thousands of writes a run: a fresh Error each time
 * captured a stack trace each time (in the page's worker, with an inspector
 * attached, a detailed one), 0.1 ms a refusal there.
 */
function refusal(fs: EmscriptenFS, errno: number): Error {
  let made = refusals.get(fs);
  if (!made) refusals.set(fs, (made = new Map()));
  let error = made.get(errno);
  if (!error) made.set(errno, (error = new fs.ErrnoError(errno)));
  return error;
}
const refusals = new WeakMap<EmscriptenFS, Map<number, Error>>();

/** The disk a node's file lives on, if it is directly in a disk's root directory. */
function diskOf(node: FsNode): Disk | undefined {
  return node.parent ? disks.get(node.parent) : undefined;
}

/**
 * Wrap MEMFS's file write and setattr (shared by every regular file) once per
 * FS, and replace its x1.125 growth of large files, which copies the whole
 * file again and again (toolchain.md measured 4.8x), by doubling.
 */
function installQuotaHooks(sql: SqlJsWithFS): void {
  const fs = sql.FS;
  if (patchedFs.has(fs)) return;
  patchedFs.add(fs);
  const memfs: Memfs = fs.root.mount.type;
  ensureOpsTable(fs);
  const ops = memfs.ops_table!.file;
  const write = ops.stream.write;
  ops.stream.write = (stream: FsStream, buffer, offset, length, position, canOwn) => {
    const disk = diskOf(stream.node);
    // Emscripten's write() returns this count to SQLite, which writes the rest of a short write again
    const fits = disk && length > 0 ? disk.writableBytes(stream.node, position, length) : length;
    // the change noted here rather than through noting(), which would make an array of the arguments on every write
    try {
      return write(stream, buffer, offset, fits, position, canOwn);
    } finally {
      disk?.changed();
    }
  };
  const setattr = ops.node.setattr;
  ops.node.setattr = (node, attr) => {
    const disk = diskOf(node);
    if (disk && attr.size !== undefined) disk.checkResize(node, attr.size);
    try {
      return setattr(node, attr);
    } finally {
      disk?.changed();
    }
  };
  // munmap writes a shared mapping back through MEMFS's own write, not the table's
  ops.stream.msync = noting(ops.stream.msync, (stream) => diskOf(stream.node));
  const dir = memfs.ops_table!.dir.node;
  const inDir = (parent: FsNode) => disks.get(parent);
  dir.mknod = noting(dir.mknod, inDir);
  dir.unlink = noting(dir.unlink, inDir);
  dir.rmdir = noting(dir.rmdir, inDir);
  dir.symlink = noting(dir.symlink, inDir);
  // the node's directory is read before the rename moves it
  dir.rename = noting(
    noting(dir.rename, (node) => disks.get(node.parent)),
    (_node, newDir) => disks.get(newDir),
  );
  releaseMappingsOnClose(sql, ops.stream);
  memfs.expandFileStorage = (node, newCapacity) => {
    const contents = node.contents as Uint8Array | null;
    const previous = contents?.length ?? 0;
    if (previous >= newCapacity) return;
    // a file on a disk can never outgrow the disk's quota, so neither need its buffer
    const limit = diskOf(node)?.quota ?? Infinity;
    const capacity = Math.max(newCapacity, Math.min(previous * 2, limit), 256);
    const grown = new Uint8Array(capacity);
    if (contents) grown.set(contents.subarray(0, node.usedBytes));
    node.contents = grown;
  };
  // MEMFS reallocates a file to its exact new size on every ftruncate, and
  // SQLite truncates at each WAL checkpoint: keep the buffer unless the file
  // shrinks to a quarter of it, zeroing what is cut or newly exposed.
  memfs.resizeFileStorage = (node, newSize) => {
    const contents = node.contents as Uint8Array | null;
    const capacity = contents?.length ?? 0;
    if (contents && newSize <= capacity && newSize >= capacity / 4) {
      if (newSize < node.usedBytes) contents.fill(0, newSize, node.usedBytes);
      else contents.fill(0, node.usedBytes, newSize);
      node.usedBytes = newSize;
      return;
    }
    const resized = new Uint8Array(newSize);
    if (contents) resized.set(contents.subarray(0, Math.min(newSize, node.usedBytes)));
    node.contents = resized;
    node.usedBytes = newSize;
  };
}

/**
 * `op`, and then the change noted on the disk it touched (worked out before it runs), whether it succeeded or threw:
 * with the write and setattr hooks, every MEMFS operation that can change a file's size or a directory's listing.
 */
function noting<A extends unknown[], R>(op: (...args: A) => R, touched: (...args: A) => Disk | undefined): (...args: A) => R {
  return (...args) => {
    const disk = touched(...args);
    try {
      return op(...args);
    } finally {
      disk?.changed();
    }
  };
}

/**
 * SQLite maps its WAL index (the -shm file) as many 32 KiB regions as fit
 * in a page, and Emscripten's page is 64 KiB, but it unmaps one region's
 * 32 KiB at a time; Emscripten's munmap refuses a partial unmap, so every
 * mapping stayed in the WebAssembly heap for good (64 KiB each time a
 * database with a WAL was opened, until the heap ran out and SQLite said
 * "disk I/O error"). Here a mapping belongs to its file descriptor and is
 * freed when that closes: SQLite closes the -shm descriptor right after
 * unmapping its regions.
 */
function releaseMappingsOnClose(sql: SqlJsWithFS, streamOps: MemfsStreamOps): void {
  const mappings = new WeakMap<FsStream, number[]>();
  const mmap = streamOps.mmap;
  streamOps.mmap = (stream, length, position, prot, flags) => {
    const mapped = mmap(stream, length, position, prot, flags);
    if (!mapped.allocated) return mapped;
    const list = mappings.get(stream) ?? [];
    list.push(mapped.ptr);
    mappings.set(stream, list);
    // not "allocated" for Emscripten's munmap, which would free only a whole mapping: ours to free
    return { ptr: mapped.ptr, allocated: false };
  };
  const close = streamOps.close;
  streamOps.close = (stream) => {
    for (const ptr of mappings.get(stream) ?? []) sql._free(ptr);
    mappings.delete(stream);
    close?.(stream);
  };
}

/** MEMFS builds its ops table when the first node is created; make sure it exists before wrapping it. */
function ensureOpsTable(fs: EmscriptenFS): void {
  const probe = "/.ops-table-probe";
  fs.writeFile(probe, new Uint8Array(0));
  fs.unlink(probe);
}

/** The outermost directory on `path` that does not exist yet (`path` itself at the least). */
function firstMissingDir(fs: EmscriptenFS, path: string): string {
  const parts = path.split("/");
  for (let n = 2; n < parts.length; n++) {
    const prefix = parts.slice(0, n).join("/");
    if (!fs.analyzePath(prefix).exists) return prefix;
  }
  return path;
}

function removeTree(fs: EmscriptenFS, path: string): void {
  for (const name of fs.readdir(path)) {
    if (name === "." || name === "..") continue;
    const child = `${path}/${name}`;
    if (fs.isDir(fs.lookupPath(child).node.mode)) removeTree(fs, child);
    else fs.unlink(child);
  }
  fs.rmdir(path);
}
