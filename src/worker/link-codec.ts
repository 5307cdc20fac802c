/**
 * Values as bytes, for the synchronous channel between a script's realm and the engine's worker (sync-pipe.ts),
 * where no structured clone is to be had: JSON for the shape, then the bytes of every Uint8Array, with tags for
 * what JSON cannot say (undefined, a bigint, NaN, ±Infinity, -0, a key that is the tag itself). The script gets
 * exactly the value the engine made: it may print it, and the console is part of the trace a link verifies.
 */
import { concatBytes } from "../engine/common/bytes.ts";

/** The one key of a tag object: a control character no engine value has as a key (and one a script's is escaped from). */
const TAG = "\u0001";

type Tag = ["u"] | ["n", string] | ["f", string] | ["b", number, number] | ["o", [string, unknown][]];

/** Thrown for a value the channel cannot carry as it is (a Map, a class instance, a function): a bug on the sending side. */
export class UncarriedValue extends Error {}

export function encodeValue(value: unknown): Uint8Array {
  const blobs: Uint8Array[] = [];
  let blobBytes = 0; // where the next blob starts, after those before it
  const tag = (t: Tag) => ({ [TAG]: t });
  // the replacer sees each value of the input once (not the tags it returns): only a script's own object can hold TAG
  const json = JSON.stringify([value], (key: string, v: unknown) => {
    // JSON.stringify has already called toJSON: a Date would arrive as its text, so none is carried unseen
    if (v === undefined) return tag(["u"]);
    if (typeof v === "bigint") return tag(["n", v.toString()]);
    if (typeof v === "number") return Number.isFinite(v) && !Object.is(v, -0) ? v : tag(["f", Object.is(v, -0) ? "-0" : String(v)]);
    if (typeof v !== "object" || v === null) {
      if (typeof v === "function" || typeof v === "symbol") throw new UncarriedValue(`a ${typeof v} at ${JSON.stringify(key)}`);
      return v;
    }
    if (v instanceof Uint8Array) {
      blobs.push(v);
      blobBytes += v.length;
      return tag(["b", blobBytes - v.length, v.length]);
    }
    if (Array.isArray(v)) return v;
    const proto: unknown = Object.getPrototypeOf(v);
    if (proto !== Object.prototype && proto !== null) throw new UncarriedValue(`an object that is not plain data at ${JSON.stringify(key)}`);
    if (Object.hasOwn(v, TAG)) return tag(["o", Object.entries(v)]);
    return v;
  });
  const text = new TextEncoder().encode(json);
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, text.length, true);
  return concatBytes([length, text, ...blobs]);
}

export function decodeValue(bytes: Uint8Array): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(0, true);
  const blobs = bytes.subarray(4 + length);
  const parsed = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + length))) as [unknown];
  return revive(parsed[0], blobs);
}

function revive(v: unknown, blobs: Uint8Array): unknown {
  if (typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = revive(v[i], blobs);
    return v;
  }
  const record = v as Record<string, unknown>;
  if (Object.hasOwn(record, TAG)) return untag(record[TAG] as Tag, blobs);
  // assigned one by one (not with JSON.parse's reviver, which deletes a key whose value comes back undefined)
  for (const key of Object.keys(record)) record[key] = revive(record[key], blobs);
  return record;
}

function untag(t: Tag, blobs: Uint8Array): unknown {
  switch (t[0]) {
    case "u":
      return undefined;
    case "n":
      return BigInt(t[1]);
    case "f":
      return t[1] === "-0" ? -0 : Number(t[1]);
    case "b":
      return blobs.slice(t[1], t[1] + t[2]);
    case "o":
      return Object.fromEntries(t[1].map(([k, x]) => [k, revive(x, blobs)]));
  }
}
