/**
 * RFC 11 tree objects (flux-core src/common/libkvs/treeobj.c): the JSON the
 * KVS hash tree is made of, encoded compact with sorted keys as flux does,
 * so blob sizes and blobrefs follow the same rules.
 */
import { BLOBREF_MAX_STRING_SIZE } from "../../common/blobref.ts";

export type TreeObj =
  | { ver: 1; type: "val"; data: string }
  | { ver: 1; type: "valref"; data: string[] }
  | { ver: 1; type: "dir"; data: Record<string, TreeObj> }
  | { ver: 1; type: "dirref"; data: string[] }
  | { ver: 1; type: "symlink"; data: { namespace?: string; target: string } };

export type DirObj = Extract<TreeObj, { type: "dir" }>;

export const dir = (data: Record<string, TreeObj> = {}): DirObj => ({ ver: 1, type: "dir", data });
export const dirref = (ref: string): TreeObj => ({ ver: 1, type: "dirref", data: [ref] });
export const valref = (refs: string[]): TreeObj => ({ ver: 1, type: "valref", data: refs });
export const val = (bytes: Uint8Array): TreeObj => ({ ver: 1, type: "val", data: toBase64(bytes) });
export const symlink = (target: string): TreeObj => ({ ver: 1, type: "symlink", data: { target } });

/** A value stays inline in its directory while its base64 text fits in a blobref's length (kvstxn_unroll). */
export function fitsInline(bytes: Uint8Array): boolean {
  return base64Length(bytes.length) <= BLOBREF_MAX_STRING_SIZE;
}

export function base64Length(n: number): number {
  return 4 * Math.ceil(n / 3);
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** treeobj_encode(): json_dumps(JSON_COMPACT | JSON_SORT_KEYS). */
export function encode(obj: TreeObj): Uint8Array {
  return encoder.encode(encodeText(obj));
}

// Directory entries are never mutated once made (a commit copies a directory,
// not its entries), so each entry's JSON is computed once and reused by every
// later version of its directory: a commit re-encodes big directories often.
const entryText = new WeakMap<TreeObj, string>();

const keyText = new Map<string, string>();

function encodeText(obj: TreeObj): string {
  if (obj.type === "dir") {
    // the default sort compares UTF-16 code units: strcmp() order for these keys
    const keys = Object.keys(obj.data).sort();
    const parts = new Array<string>(keys.length);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      let quoted = keyText.get(k);
      if (quoted === undefined) keyText.set(k, (quoted = `${JSON.stringify(k)}:`));
      parts[i] = quoted + encodeText(obj.data[k]!);
    }
    return `{"data":{${parts.join(",")}},"type":"dir","ver":1}`;
  }
  let text = entryText.get(obj);
  if (text === undefined) {
    text = `{"data":${stringifySorted(obj.data)},"type":"${obj.type}","ver":1}`;
    entryText.set(obj, text);
  }
  return text;
}

export function decode(bytes: Uint8Array): TreeObj {
  const obj = JSON.parse(decoder.decode(bytes)) as TreeObj;
  if (!isTreeObj(obj)) throw new Error("not an RFC 11 tree object");
  return obj;
}

export function isTreeObj(obj: unknown): obj is TreeObj {
  if (typeof obj !== "object" || obj === null) return false;
  const o = obj as { ver?: unknown; type?: unknown; data?: unknown };
  if (o.ver !== 1) return false;
  switch (o.type) {
    case "val":
      return typeof o.data === "string";
    case "valref":
    case "dirref":
      return Array.isArray(o.data) && o.data.every((r) => typeof r === "string");
    case "dir":
      return typeof o.data === "object" && o.data !== null && !Array.isArray(o.data);
    case "symlink":
      return typeof o.data === "object" && o.data !== null && typeof (o.data as { target?: unknown }).target === "string";
    default:
      return false;
  }
}

function stringifySorted(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stringifySorted).join(",")}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record).sort(compareBytes);
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stringifySorted(record[k])}`).join(",")}}`;
}

/** jansson sorts keys with strcmp(): by UTF-8 bytes, which for these keys is code unit order. */
function compareBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]!);
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
