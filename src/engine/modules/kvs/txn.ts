/**
 * Applying a transaction to a root directory, copy-on-write (flux-core
 * src/modules/kvs/kvstxn.c): walk each key, copying every directory on its
 * path into the new tree; then "unroll" the copies depth first, so every
 * changed directory becomes a new blob named by a dirref, and values too big
 * to stay inline become valref blobs. Unchanged subtrees keep their blobrefs.
 */
import { blobref, type HashName } from "../../common/blobref.ts";
import type { Errno } from "../../sim/errno.ts";
import { dir, dirref, encode, fitsInline, fromBase64, symlink, val, valref, type DirObj, type TreeObj } from "./treeobj.ts";

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
  const copies = new WeakSet<DirObj>();
  const copy = (d: DirObj): DirObj => {
    const c = dir({ ...d.data });
    copies.add(c);
    return c;
  };
  const store = (data: Uint8Array): string => {
    const ref = blobref(ctx.hash, data);
    blobs.set(ref, data);
    return ref;
  };
  const storeDir = (d: DirObj): string => {
    const ref = store(encode(d));
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

interface Walk {
  copy(d: DirObj): DirObj;
  copies: WeakSet<DirObj>;
  store(data: Uint8Array): string;
  dirOf(ref: string): DirObj | undefined;
}

function applyOne(root: DirObj, op: KvsOp, w: Walk): void {
  const path = parseKey(op.key);
  const name = path.pop();
  if (name === undefined) throw new Refused("EINVAL"); // the root itself cannot be replaced
  const parent = walkTo(root, path, w, op.op !== "unlink");
  if (!parent) return; // unlink under a directory that does not exist: nothing to do
  switch (op.op) {
    case "put":
      parent.data[name] = op.append ? appended(parent.data[name], op.value, w) : valueObj(op.value, w);
      return;
    case "unlink":
      delete parent.data[name];
      return;
    case "mkdir":
      parent.data[name] = w.copy(dir());
      return;
    case "symlink":
      parent.data[name] = symlink(op.target);
      return;
    case "link":
      parent.data[name] = op.treeobj;
      return;
  }
}

/** The directory at `path` as a private copy, creating missing ones (and replacing non-directories) when `create`. */
function walkTo(root: DirObj, path: string[], w: Walk, create: boolean): DirObj | undefined {
  let d = root;
  for (const component of path) {
    const entry = d.data[component];
    let next: DirObj;
    if (entry?.type === "dir") next = w.copies.has(entry) ? entry : w.copy(entry);
    else if (entry?.type === "dirref") {
      const loaded = w.dirOf(entry.data[0]!);
      if (!loaded) throw new Missing(entry.data[0]!);
      next = w.copy(loaded);
    } else if (create) next = w.copy(dir());
    else return undefined;
    d.data[component] = next;
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
function unroll(d: DirObj, copies: WeakSet<DirObj>, storeDir: (d: DirObj) => string): DirObj {
  for (const [name, entry] of Object.entries(d.data)) {
    if (entry.type === "dir" && copies.has(entry)) d.data[name] = dirref(storeDir(unroll(entry, copies, storeDir)));
  }
  return d;
}
