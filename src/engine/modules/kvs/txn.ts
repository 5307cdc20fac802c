/**
 * Applying a transaction to a root directory, copy-on-write (flux-core
 * src/modules/kvs/kvstxn.c): walk each key, copying every directory on its
 * path into the new tree; then "unroll" the copies depth first, so every
 * changed directory becomes a new blob named by a dirref, and values too big
 * to stay inline become valref blobs. Unchanged subtrees keep their blobrefs.
 */
import { blobref, type HashName } from "../../common/blobref.ts";
import type { Errno } from "../../sim/errno.ts";
import { dir, dirEntry, dirref, encodeChanged, setDirEntry, fitsInline, fromBase64, symlink, val, valref, type DirObj, type TreeObj } from "./treeobj.ts";

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
}

/** The new root, every blob the transaction made, and the directories among them as objects (so nobody parses them again). */
export type ApplyResult = { newRoot: string; blobs: Map<string, Uint8Array>; dirs: Map<string, DirObj> } | { missing: string[] } | { errno: Errno };

/** "a.b.c" -> ["a","b","c"]; empty components (leading, trailing, doubled dots) are ignored, as flux does. */
export function parseKey(key: string): string[] {
  return key.split(".").filter((c) => c.length > 0);
}

class Missing {
  constructor(readonly ref: string) {}
}

class Refused {
  constructor(readonly errno: Errno) {}
}

export function applyOps(rootDir: DirObj, ops: readonly KvsOp[], ctx: ApplyContext): ApplyResult {
  const blobs = new Map<string, Uint8Array>();
  const dirs = new Map<string, DirObj>();
  const copies: Copies = new Map();
  const copy = (d: DirObj): DirObj => {
    const c = dir({ ...d.data });
    copies.set(c, { base: d, changed: new Set() });
    return c;
  };
  const store = (data: Uint8Array): string => {
    const ref = blobref(ctx.hash, data);
    blobs.set(ref, data);
    return ref;
  };
  const storeDir = (d: DirObj): string => {
    const { base, changed } = copies.get(d)!;
    const ref = store(encodeChanged(d, base, changed));
    dirs.set(ref, d);
    return ref;
  };
  const root = copy(rootDir);
  try {
    for (const op of ops) applyOne(root, op, { copy, copies, store, dirOf: ctx.dirOf });
  } catch (e) {
    if (e instanceof Missing) return { missing: [e.ref] };
    if (e instanceof Refused) return { errno: e.errno };
    throw e;
  }
  const newRoot = storeDir(unroll(root, copies, storeDir));
  return { newRoot, blobs, dirs };
}

/** Each directory this transaction copied: what it was copied from, and the names of the entries changed since. */
type Copies = Map<DirObj, { base: DirObj; changed: Set<string> }>;

interface Walk {
  copy(d: DirObj): DirObj;
  copies: Copies;
  store(data: Uint8Array): string;
  dirOf(ref: string): DirObj | undefined;
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
      return op.append ? appended(dirEntry(parent, name), op.value, w) : valueObj(op.value, w);
    case "unlink":
      return undefined;
    case "mkdir":
      return w.copy(dir());
    case "symlink":
      return symlink(op.target);
    case "link":
      return op.treeobj;
  }
}

/** Change one entry of a directory this transaction copied, remembering the name so only it is re-encoded. */
function setEntry(d: DirObj, name: string, entry: TreeObj | undefined, copies: Copies): void {
  setDirEntry(d, name, entry);
  copies.get(d)!.changed.add(name);
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
      next = w.copy(loaded);
    } else if (create) next = w.copy(dir());
    else return undefined;
    setEntry(d, component, next, w.copies);
    d = next;
  }
  return d;
}

function valueObj(value: Uint8Array, w: Walk): TreeObj {
  return fitsInline(value) ? val(value) : valref([w.store(value)]);
}

/** FLUX_KVS_APPEND (kvstxn_append): a val becomes a valref of [old, new]; a valref gains one more blobref. */
function appended(existing: TreeObj | undefined, value: Uint8Array, w: Walk): TreeObj {
  if (!existing) return valueObj(value, w);
  switch (existing.type) {
    case "valref":
      return valref([...existing.data, w.store(value)]);
    case "val":
      return valref([w.store(fromBase64(existing.data)), w.store(value)]);
    case "symlink":
      throw new Refused("EOPNOTSUPP");
    default:
      throw new Refused("EISDIR");
  }
}

/** Store every directory copied by this transaction (depth first) and put a dirref in its place. */
function unroll(d: DirObj, copies: Copies, storeDir: (d: DirObj) => string): DirObj {
  // only changed entries can be copies
  for (const name of copies.get(d)!.changed) {
    const entry = dirEntry(d, name);
    if (entry?.type === "dir" && copies.has(entry)) setEntry(d, name, dirref(storeDir(unroll(entry, copies, storeDir))), copies);
  }
  return d;
}
