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

describe("treeobj encoding", () => {
  it("encodes every directory a commit makes exactly as a fresh sorted encoding would", () => {
    const prng = new Prng(7);
    const dirs = new Map<string, DirObj>();
    let root: DirObj = dir();
    let checked = 0;
    for (let commit = 0; commit < 400; commit++) {
      const ops = Array.from({ length: 1 + prng.int(0, 3) }, () => randomOp(prng));
      const result = applyOps(root, ops, { hash: "sha1", dirOf: (ref) => dirs.get(ref) });
      if (!("newRoot" in result)) continue; // e.g. appending to a directory: refused, nothing made
      for (const [ref, d] of result.dirs) {
        const bytes = result.blobs.get(ref)!;
        expect(new TextDecoder().decode(bytes)).toBe(reference(decode(bytes)));
        expect(reference(decode(bytes))).toBe(reference(d));
        expect(encode(structuredClone(d))).toEqual(bytes);
        dirs.set(ref, d);
        checked++;
      }
      root = result.dirs.get(result.newRoot)!;
    }
    expect(checked).toBeGreaterThan(800);
    expect(Object.keys(root.data).length).toBeGreaterThan(3);
  });
});
