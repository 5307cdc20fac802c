/**
 * Applying a transaction to a root directory, copy-on-write (flux-core
 * src/modules/kvs/kvstxn.c): walk each key, copying every directory on its
 * path into the new tree; then "unroll" the copies depth first, so every
 * changed directory becomes a new blob named by a dirref, and values too big
 * to stay inline become valref blobs. Unchanged subtrees keep their blobrefs.
 *
 * The blobs come out in the order kvstxn.c creates them (appended values
 * while the ops are applied, then the unroll: each directory's entries in
 * jansson's iteration order, subdirectories depth first, the root last),
 * because the kvs hands them to the content cache in exactly the reverse
 * of that order.
 */
import { blobref, type HashName } from "../../common/blobref.ts";
import { parseKey } from "./key.ts";
import type { Errno } from "../../sim/errno.ts";
import {
  detachEncoding,
  dir,
  dirEntry,
  dirref,
  encodeChanged,
  encodingOf,
  setDirEntry,
  fitsInline,
  fromBase64,
  symlink,
  val,
  valref,
  type DirEncoding,
  type DirObj,
  type TreeObj,
} from "./treeobj.ts";

export type KvsOp =
  | { op: "put"; key: string; value: Uint8Array; append?: boolean }
  | { op: "unlink"; key: string }
  | { op: "mkdir"; key: string }
  | { op: "symlink"; key: string; target: string }
  /** Put a tree object as it is (fsck's lost+found); not offered to scenarios. */
  | { op: "link"; key: string; treeobj: TreeObj };

export interface ApplyContext {
  hash: HashName;
  /** A directory blob from the kvs cache, or undefined when it must be loaded first. */
  dirOf(ref: string): DirObj | undefined;
  /**
   * The root directory and every directory dirOf() gives are the
   * transaction's own: changed in place instead of copied. Copying a
   * directory of a few hundred entries costs V8 ~0.6 µs an entry, on every
   * commit under it; the kvs hands over objects nobody else holds instead.
   */
  owned?: boolean;
}

/**
 * The new root, every blob the transaction made in the order it made them
 * (the root last), and the directories among them as objects (so nobody
 * parses them again).
 */
export type ApplyResult = { newRoot: string; blobs: Map<string, Uint8Array>; dirs: Map<string, DirObj> } | { missing: string[] } | { errno: Errno };

class Missing {
  constructor(readonly ref: string) {}
}

class Refused {
  constructor(readonly errno: Errno) {}
}

export function applyOps(rootDir: DirObj, ops: readonly KvsOp[], ctx: ApplyContext): ApplyResult {
  const w = new Walk(ctx);
  const root = w.mine(rootDir);
  try {
    for (const op of ops) applyOne(root, op, w);
  } catch (e) {
    if (e instanceof Missing) return { missing: [e.ref] };
    if (e instanceof Refused) return { errno: e.errno };
    throw e;
  }
  const newRoot = w.storeDir(unroll(root, w));
  return { newRoot, blobs: w.blobs, dirs: w.dirs };
}

/**
 * What a transaction changed in one directory (a copy, or an owned
 * original): the encoding it had before, if known, the names of the entries
 * changed since, and among them those inserted where no entry was (in
 * insertion order: where jansson iterates them, after the rest).
 */
class Changes {
  readonly changed = new Set<string>();
  /** Made on the first insertion: most commits only replace entries (a new blobref, an appended eventlog). */
  private inserted: Set<string> | undefined;

  constructor(readonly prior: DirEncoding | undefined) {}

  note(name: string, insertion: boolean): void {
    if (insertion) {
      this.inserted ??= new Set();
      this.inserted.delete(name); // removed and inserted again: jansson iterates it last
      this.inserted.add(name);
    }
    this.changed.add(name);
  }

  /**
   * The changed names in the order jansson iterates the directory: the entries
   * it already had in their place (a directory is decoded from its sorted
   * encoding), then the inserted ones in the order they were inserted.
   */
  iterationOrder(): string[] {
    const inserted = this.inserted;
    if (!inserted) return [...this.changed].sort();
    const kept = [...this.changed].filter((name) => !inserted.has(name)).sort();
    return [...kept, ...inserted];
  }
}

type Copies = Map<DirObj, Changes>;

/** One transaction's walk: the directories it changes, and the blobs it makes in the order it makes them. */
class Walk {
  readonly blobs = new Map<string, Uint8Array>();
  /** The directories among the blobs, as objects (so nobody parses them again). */
  readonly dirs = new Map<string, DirObj>();
  readonly copies: Copies = new Map();
  /** Values too big to stay inline, by their placeholder val, until the unroll stores them. */
  readonly unrollLater = new Map<TreeObj, Uint8Array>();

  constructor(private readonly ctx: ApplyContext) {}

  dirOf(ref: string): DirObj | undefined {
    return this.ctx.dirOf(ref);
  }

  /** A private copy of a directory the transaction does not own (an inline one). */
  copy(d: DirObj): DirObj {
    const c = dir({ ...d.data });
    this.copies.set(c, new Changes(encodingOf(d)));
    return c;
  }

  /** A directory from dirOf() or a new one, to change: the object itself when owned, else a copy. */
  mine(d: DirObj): DirObj {
    if (!this.ctx.owned) return this.copy(d);
    this.copies.set(d, new Changes(detachEncoding(d)));
    return d;
  }

  store(data: Uint8Array): string {
    const ref = blobref(this.ctx.hash, data);
    this.blobs.set(ref, data);
    return ref;
  }

  storeDir(d: DirObj): string {
    const { prior, changed } = this.copies.get(d)!;
    const ref = this.store(encodeChanged(d, prior, changed));
    this.dirs.set(ref, d);
    return ref;
  }
}

function applyOne(root: DirObj, op: KvsOp, w: Walk): void {
  const path = parseKey(op.key);
  const name = path.pop();
  if (name === undefined) throw new Refused("EINVAL"); // the root itself cannot be replaced
  const parent = walkTo(root, path, w, op.op !== "unlink");
  if (!parent) return; // unlink under a directory that does not exist: nothing to do
  setEntry(parent, name, newEntry(parent, name, op, w), w.copies);
}

/** What `op` puts at `name` in `parent`, or undefined to remove it. */
function newEntry(parent: DirObj, name: string, op: KvsOp, w: Walk): TreeObj | undefined {
  switch (op.op) {
    case "put":
      return op.append ? appended(dirEntry(parent, name), op.value, w) : newValue(op.value, w);
    case "unlink":
      return undefined;
    case "mkdir":
      return w.mine(dir());
    case "symlink":
      return symlink(op.target);
    case "link":
      return op.treeobj;
  }
}

/** Change one entry of a directory this transaction copied, remembering the name so only it is re-encoded. */
function setEntry(d: DirObj, name: string, entry: TreeObj | undefined, copies: Copies): void {
  copies.get(d)!.note(name, entry !== undefined && dirEntry(d, name) === undefined);
  setDirEntry(d, name, entry);
}

/** The directory at `path` as a private copy, creating missing ones (and replacing non-directories) when `create`. */
function walkTo(root: DirObj, path: string[], w: Walk, create: boolean): DirObj | undefined {
  let d = root;
  for (const component of path) {
    const entry = dirEntry(d, component);
    let next: DirObj;
    if (entry?.type === "dir") next = w.copies.has(entry) ? entry : w.copy(entry);
    else if (entry?.type === "dirref") {
      const loaded = w.dirOf(entry.data[0]!);
      if (!loaded) throw new Missing(entry.data[0]!);
      next = w.mine(loaded);
    } else if (create) next = w.mine(dir());
    else return undefined;
    setEntry(d, component, next, w.copies);
    d = next;
  }
  return d;
}

/**
 * A val for `value`. One too big to stay inline becomes a valref when the
 * copy is unrolled (kvstxn_unroll); until then it is a placeholder whose
 * bytes the walk keeps, so they are never base64-encoded.
 */
function newValue(value: Uint8Array, w: Walk): TreeObj {
  if (fitsInline(value)) return val(value);
  const placeholder: TreeObj = { ver: 1, type: "val", data: "" };
  w.unrollLater.set(placeholder, value);
  return placeholder;
}

/** FLUX_KVS_APPEND (kvstxn_append): a val becomes a valref of [old, new]; a valref gains one more blobref; a new key is a plain insertion. */
function appended(existing: TreeObj | undefined, value: Uint8Array, w: Walk): TreeObj {
  if (!existing) return newValue(value, w);
  switch (existing.type) {
    case "valref":
      return valref([...existing.data, w.store(value)]);
    case "val":
      return valref([w.store(w.unrollLater.get(existing) ?? fromBase64(existing.data)), w.store(value)]);
    case "symlink":
      throw new Refused("EOPNOTSUPP");
    default:
      throw new Refused("EISDIR");
  }
}

/**
 * Store every directory copied by this transaction (depth first) and every
 * value too big to stay inline, putting a dirref or valref in its place.
 */
function unroll(d: DirObj, w: Walk): DirObj {
  // only changed entries can be copies or new values
  for (const name of w.copies.get(d)!.iterationOrder()) {
    const entry = dirEntry(d, name);
    if (entry?.type === "dir" && w.copies.has(entry)) setEntry(d, name, dirref(w.storeDir(unroll(entry, w))), w.copies);
    else if (entry && w.unrollLater.has(entry)) setEntry(d, name, valref([w.store(w.unrollLater.get(entry)!)]), w.copies);
  }
  return d;
}
