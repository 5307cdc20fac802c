/**
 * What a script's call of the scenario API asks of the engine, as plain data: an operation. The script side
 * of the API (scenario-api.ts) turns each call into one of these and hands it to an EnginePort; the engine
 * side (engine-session.ts) carries it out on a Simulation. Nothing else passes between them, so the script
 * can run in a realm of its own and the engine can replay exactly what it asked for (src/worker/).
 *
 * Fields a script passes through untyped (a flag, a size, a count) are carried as data: a value that is not
 * plain data (a function, an object where a flag goes) is carried as null, which every check refuses as it
 * would have refused the value itself.
 */
import type { KvsOp } from "../modules/kvs/txn.ts";
import type { ValueKind } from "./values.ts";

/** A plain value a check will look at: anything that is not plain data becomes null (refused like the value itself). */
export type Data = string | number | boolean | bigint | null | undefined;

export type EngineOp =
  | { op: "scenario"; settings: unknown }
  | { op: "kvs.put"; key: Data; value: Uint8Array; append: boolean; sync: Data; noMerge: Data }
  | { op: "kvs.unlink" | "kvs.mkdir"; key: Data; sync: Data; noMerge: Data }
  | { op: "kvs.symlink"; key: Data; target: string; sync: Data; noMerge: Data }
  | { op: "kvs.commit"; ops: KvsOp[]; sync: Data; noMerge: Data }
  | { op: "kvs.sync" | "kvs.getroot" }
  | { op: "kvs.get"; key: Data; kind: ValueKind | undefined }
  | { op: "kvs.ls"; dir: Data }
  | { op: "content.store"; data: Uint8Array | null }
  | { op: "content.load"; ref: Data }
  | { op: "content.flush" | "content.dropcache" | "content.stats" }
  | { op: "flux.start" | "flux.shutdown" | "flux.readWrite" | "flux.checkpoints" | "flux.startlog" }
  | { op: "flux.crash"; line: number | undefined }
  | { op: "flux.stats"; module: Data }
  | { op: "flux.fsck"; repair: boolean; rootref: Data }
  | { op: "flux.module"; verb: "load" | "remove"; name: Data }
  | { op: "flux.queue"; action: Data; reason: Data }
  | { op: "flux.setReadOnly"; level: Data; readOnly: Data }
  | { op: "jobs.submit"; n: Data; output: Data; runtimeMs: Data; concurrency: Data; atOnce: Data; cores: Data; batchMs: Data }
  | { op: "sim.advance"; ms: Data }
  | { op: "sim.settle" }
  | { op: "disk.setQuota"; size: Data }
  | { op: "disk.fill"; size: Data; name: Data }
  | { op: "disk.remove"; name: Data }
  | { op: "disk.failNextWrite"; errno: Data; file: Data }
  | { op: "disk.removeBlob"; key: Data }
  /** Files by name; a value that is not bytes is carried as null (refused like the value itself). */
  | { op: "disk.load"; files: Record<string, Uint8Array | null> | null }
  | { op: "log"; text: string; line: number | undefined }
  | { op: "bytes"; n: Data }
  /** A read of the instance (its state, its disk) made it: the instance exists from here on. */
  | { op: "instance" };

export type OpName = EngineOp["op"];

/** Where in the script the call being made comes from: worked out when first asked (reading a stack costs). */
export type Site = () => number | undefined;

/** The script's plain value as data for a check (see Data). */
export function dataOf(value: unknown): Data {
  const type = typeof value;
  return value === null || type === "string" || type === "number" || type === "boolean" || type === "bigint" || type === "undefined" ? (value as Data) : null;
}

/**
 * A copy of the script's value made of plain data only (records, arrays, primitives), as deep as `depth`: the
 * settings of scenario({...}), which the engine reads key by key. Anything else becomes null.
 */
export function plainData(value: unknown, depth = 4): unknown {
  if (typeof value !== "object" || value === null) return dataOf(value);
  if (depth === 0) return null;
  if (Array.isArray(value)) return value.map((v) => plainData(v, depth - 1));
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return null;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) out[key] = plainData((value as Record<string, unknown>)[key], depth - 1);
  return out;
}
