/**
 * How scenario values become KVS bytes and back, and how sizes are written.
 * A string is stored as its UTF-8 text (like `flux kvs put a=1`), a
 * Uint8Array as raw bytes, anything else as compact JSON (like
 * flux_kvs_txn_pack). The client remembers what kind each key last held, so a
 * value reads back as what was put.
 */
import { FluxError } from "../sim/errno.ts";
import type { KvsValue } from "./types.ts";

export type { KvsValue };
export type ValueKind = "string" | "bytes" | "json";

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder("utf-8", { fatal: true });

/**
 * The bytes a value is stored as. An array is copied, as Flux serializes a
 * value into its request: changing it afterwards must not change what was
 * stored (nor the blobref the engine remembers for that array).
 */
export function encodeValue(value: unknown): { bytes: Uint8Array; kind: ValueKind } {
  if (typeof value === "string") return { bytes: encoder.encode(value), kind: "string" };
  if (value instanceof Uint8Array) return { bytes: value.slice(), kind: "bytes" };
  if (value === undefined || typeof value === "function" || typeof value === "symbol" || typeof value === "bigint") {
    throw new FluxError("EINVAL", `cannot store a value of type ${typeof value}: use a string, a Uint8Array or a JSON value`);
  }
  let json: string;
  try {
    json = JSON.stringify(value);
  } catch (e) {
    // a cycle, or a BigInt deep inside: JSON cannot hold it, and neither can the KVS
    throw new FluxError("EINVAL", `cannot store this value as JSON: ${(e as Error).message.split("\n")[0]}`);
  }
  return { bytes: encoder.encode(json), kind: "json" };
}

/** A stored value as the script sees it; bytes come as a copy (the engine's cached blob stays the engine's). */
export function decodeValue(bytes: Uint8Array, kind: ValueKind | undefined): KvsValue {
  if (kind === "bytes") return bytes.slice();
  const text = utf8OrUndefined(bytes);
  if (text === undefined) return bytes.slice();
  if (kind === "json") {
    try {
      return JSON.parse(text) as KvsValue;
    } catch {
      return text;
    }
  }
  return text;
}

function utf8OrUndefined(bytes: Uint8Array): string | undefined {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}

const UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** "8 MiB", "512KiB", "1.5 GiB", "100 kB", or a number of bytes. */
export function parseSize(size: unknown, what = "size"): number {
  if (typeof size === "number") {
    if (Number.isFinite(size) && size >= 0) return Math.floor(size);
  } else if (typeof size === "string") {
    const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(size);
    const unit = m && UNITS[(m[2] || "b").toLowerCase()];
    if (m && unit) return Math.floor(Number(m[1]) * unit);
  }
  throw new FluxError("EINVAL", `${what}: cannot read ${JSON.stringify(size)} as a size; write e.g. "4 MiB", "512 KiB" or a number of bytes`);
}

export function formatSize(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${+(bytes / 1024 ** 3).toFixed(2)} GiB`;
  if (bytes >= 1024 ** 2) return `${+(bytes / 1024 ** 2).toFixed(2)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}
