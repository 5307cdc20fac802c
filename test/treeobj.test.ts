/**
 * Tree object encoding: a commit splices only the changed entries into its
 * directories' previous bytes; the result must be exactly what encoding the
 * whole directory afresh (json_dumps with sorted keys) gives.
 */
import { describe, expect, it } from "vitest";
import { applyOps, type KvsOp } from "../src/engine/modules/kvs/txn.ts";
import { decode, dir, encode, type DirObj } from "../src/engine/modules/kvs/treeobj.ts";
import { Prng } from "../src/engine/sim/prng.ts";

/** json_dumps(JSON_COMPACT | JSON_SORT_KEYS), written independently of treeobj.ts. */
function reference(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(reference).join(",")}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${reference(record[k])}`).join(",")}}`;
}

const NAMES = ["a", "b", "zz", "é", "q\"uote", "0001", "0002", "data", "~", "Ünï", "__proto__", "x.y"];

function randomOp(prng: Prng): KvsOp {
  const depth = 1 + prng.int(0, 2);
  const key = Array.from({ length: depth }, () => NAMES[prng.int(0, NAMES.length - 1)]!.replace(".", "")).join(".");
  switch (prng.int(0, 4)) {
    case 0:
      return { op: "unlink", key };
    case 1:
      return { op: "mkdir", key };
    case 2:
      return { op: "put", key, value: prng.bytes(200), append: prng.int(0, 1) === 0 };
    default:
      return { op: "put", key, value: prng.bytes(prng.int(0, 19)) };
  }
}

/**
 * Run 400 random commits; with `owned`, each directory is handed to the next
 * commit to change in place (as the kvs does: the object itself when it has
 * it, else parsed afresh from its bytes, and never again once handed over).
 */
function randomCommits(owned: boolean, check: (ref: string, d: DirObj, bytes: Uint8Array) => void): { roots: string[]; root: DirObj } {
  const prng = new Prng(7);
  const dirs = new Map<string, DirObj>();
  const bytesOf = new Map<string, Uint8Array>();
  const parse = (ref: string) => (bytesOf.has(ref) ? (decode(bytesOf.get(ref)!) as DirObj) : undefined);
  const take = (ref: string) => {
    const d = dirs.get(ref);
    dirs.delete(ref);
    return d ?? parse(ref);
  };
  let rootRef: string | undefined;
  let root: DirObj = dir();
  const roots: string[] = [];
  for (let commit = 0; commit < 400; commit++) {
    const ops = Array.from({ length: 1 + prng.int(0, 3) }, () => randomOp(prng));
    const result = applyOps(root, ops, { hash: "sha1", dirOf: owned ? take : (ref) => dirs.get(ref), owned });
    if (!("newRoot" in result)) {
      // e.g. appending to a directory: refused, nothing made; an owned root may be half changed, so parse it again
      if (owned) root = rootRef ? parse(rootRef)! : dir();
      continue;
    }
    for (const [ref, d] of result.dirs) {
      check(ref, d, result.blobs.get(ref)!);
      dirs.set(ref, d);
      bytesOf.set(ref, result.blobs.get(ref)!);
    }
    rootRef = result.newRoot;
    roots.push(rootRef);
    root = result.dirs.get(rootRef)!;
  }
  return { roots, root };
}

describe("treeobj encoding", () => {
  it("encodes every directory a commit makes exactly as a fresh sorted encoding would", () => {
    let checked = 0;
    const { root } = randomCommits(false, (_ref, d, bytes) => {
      expect(new TextDecoder().decode(bytes)).toBe(reference(decode(bytes)));
      expect(reference(decode(bytes))).toBe(reference(d));
      expect(encode(structuredClone(d))).toEqual(bytes);
      checked++;
    });
    expect(checked).toBeGreaterThan(800);
    expect(Object.keys(root.data).length).toBeGreaterThan(3);
  });

  it("makes the same blobs when the transaction changes the directories it is given in place", () => {
    const copied = randomCommits(false, () => {});
    const owned = randomCommits(true, (_ref, d, bytes) => expect(reference(decode(bytes))).toBe(reference(d)));
    expect(owned.roots).toEqual(copied.roots);
  });
});

describe("the order a commit makes its blobs in (kvstxn.c; the kvs stores them in reverse)", () => {
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  const big = (c: string) => new TextEncoder().encode(c.repeat(100));

  it("makes appended values while applying, then unrolls depth first in jansson's order, the root last", () => {
    const base = applyOps(dir(), [{ op: "put", key: "d.old", value: big("o") }, { op: "put", key: "d.zz", value: big("z") }], { hash: "sha1", dirOf: () => undefined });
    if (!("newRoot" in base)) throw new Error("setup failed");
    const dirs = base.dirs;
    const ops: KvsOp[] = [
      { op: "put", key: "d.new1", value: big("1") }, // inserted: iterated after the entries d had
      { op: "put", key: "d.sub.v", value: big("s") },
      { op: "put", key: "d.zz", value: big("Z") }, // replaced in place: iterated in d's sorted order
      { op: "put", key: "d.old", value: big("a"), append: true }, // appended: stored while the ops are applied
    ];
    const result = applyOps(dirs.get(base.newRoot)!, ops, { hash: "sha1", dirOf: (ref) => dirs.get(ref) });
    if (!("newRoot" in result)) throw new Error("commit failed");
    const order = [...result.blobs].map(([ref, bytes]) => (result.dirs.has(ref) ? `dir:${Object.keys(result.dirs.get(ref)!.data).sort().join(",")}` : text(bytes)[0]));
    expect(order).toEqual(["a", "Z", "1", "s", "dir:v", "dir:new1,old,sub,zz", "dir:d"]);
    expect([...result.blobs.keys()].at(-1)).toBe(result.newRoot);
  });
});
