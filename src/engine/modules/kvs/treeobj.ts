/**
 * RFC 11 tree objects (flux-core src/common/libkvs/treeobj.c): the JSON the
 * KVS hash tree is made of, encoded compact with sorted keys as flux does,
 * so blob sizes and blobrefs follow the same rules.
 */
import { BLOBREF_MAX_STRING_SIZE } from "../../common/blobref.ts";
import { host } from "../../common/host.ts";

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

/**
 * The entry `name` of a directory, if it has one. Entry names are any key
 * component, "__proto__" and "constructor" included, so only own properties
 * count: an inherited one is no entry.
 */
export function dirEntry(d: DirObj, name: string): TreeObj | undefined {
  const entry = d.data[name];
  // one lookup, not two: what Object.prototype lends is a function, but for "__proto__", the prototype itself
  return typeof entry === "object" && (name !== "__proto__" || Object.hasOwn(d.data, name)) ? entry : undefined;
}

/** Set (or, with undefined, remove) the entry `name`; "__proto__" becomes an entry, not the object's prototype. */
export function setDirEntry(d: DirObj, name: string, entry: TreeObj | undefined): void {
  if (entry === undefined) delete d.data[name];
  else if (name === "__proto__") Object.defineProperty(d.data, name, { value: entry, enumerable: true, writable: true, configurable: true });
  else d.data[name] = entry;
}

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
  return obj.type === "dir" ? encodedDir(obj).bytes : encoder.encode(encodeText(obj));
}

/**
 * Encode `d`, a copy of `base` in which only the entries named in `changed`
 * may differ. A commit copies every directory on its path and changes one or
 * two entries of each, and Flux's job directories hold hundreds of entries:
 * splicing the changed entries into the base's bytes keeps a commit's cost
 * from growing with them.
 */
export function encodeChanged(d: DirObj, prior: DirEncoding | undefined, changed: ReadonlySet<string>): Uint8Array {
  let enc = encodedDirs.get(d);
  if (!enc) {
    enc = prior && changed.size <= SPLICES_MAX ? patched(d, prior, changed) : fresh(d);
    encodedDirs.set(d, enc);
  }
  return enc.bytes;
}

/** The encoding of `d` as it is now, if it was made, to splice a changed copy's entries into. */
export function encodingOf(d: DirObj): DirEncoding | undefined {
  return encodedDirs.get(d);
}

/** The same, for a directory about to be changed in place: its encoding is forgotten, as it will no longer match. */
export function detachEncoding(d: DirObj): DirEncoding | undefined {
  const enc = encodedDirs.get(d);
  encodedDirs.delete(d);
  return enc;
}

/**
 * Each splice copies the whole encoding, so a directory with many changed
 * entries (a merged commit of hundreds of new keys) is encoded afresh
 * instead (three runs of 2000 merged one-key commits to one directory,
 * profiled: 0.19 s splicing, 0.11 s encoding afresh).
 */
const SPLICES_MAX = 16;

// Directory entries are never mutated once made (a commit copies a directory,
// not its entries), so an entry's JSON can be reused by every later version of
// its directory. Only a directory encoded afresh keeps its entries' texts: it
// is the one likely to be encoded afresh again (a merged commit of many keys),
// while a spliced-in entry is usually replaced by the next commit (t0090:
// 39 000 spliced entries, none encoded again).
const entryText = new WeakMap<TreeObj, string>();

/**
 * A directory's encoding, with its names in strcmp() order and where each
 * `"name":entry` part lies in the bytes (parts are separated by commas).
 */
export type DirEncoding = EncodedDir;

interface EncodedDir {
  bytes: Uint8Array;
  names: string[];
  starts: number[];
  ends: number[];
}

// Stored directories are not mutated either (the next commit copies them), so their encoding stays valid.
const encodedDirs = new WeakMap<DirObj, EncodedDir>();

const DIR_HEAD = encoder.encode(`{"data":{`);
const DIR_TAIL = encoder.encode(`},"type":"dir","ver":1}`);
const COMMA = 0x2c;
const COMMA_BYTES = Uint8Array.of(COMMA);

function encodedDir(d: DirObj): EncodedDir {
  let enc = encodedDirs.get(d);
  if (!enc) encodedDirs.set(d, (enc = fresh(d)));
  return enc;
}

/**
 * Parts are UTF-8-encoded into this buffer, reused by every encoding, and
 * copied out once into the blob: TextEncoder.encode() makes a new array per
 * call, which cost more than the encoding itself (a commit changes one or
 * two entries of each directory on its path, 40 000 directories a t0090 run).
 */
let scratch: Uint8Array = new Uint8Array(64 * 1024);

/** `text` in UTF-8 at `at` in the scratch buffer (grown as needed); returns where it ends. */
function writeText(text: string, at: number): number {
  // UTF-8 takes at most 3 bytes per UTF-16 code unit
  if (scratch.length < at + 3 * text.length) scratch = grown(scratch, at, at + 3 * text.length);
  return at + encoder.encodeInto(text, scratch.subarray(at)).written;
}

function writeBytes(bytes: Uint8Array, at: number): number {
  if (scratch.length < at + bytes.length) scratch = grown(scratch, at, at + bytes.length);
  scratch.set(bytes, at);
  return at + bytes.length;
}

/** A buffer of at least `size` bytes holding the first `used` bytes of `buffer`. */
function grown(buffer: Uint8Array, used: number, size: number): Uint8Array {
  const bigger = new Uint8Array(Math.max(size, 2 * buffer.length));
  bigger.set(buffer.subarray(0, used));
  return bigger;
}

function fresh(d: DirObj): EncodedDir {
  // the default sort compares UTF-16 code units: strcmp() order for these keys
  const names = Object.keys(d.data).sort();
  const starts: number[] = [];
  const ends: number[] = [];
  let at = writeBytes(DIR_HEAD, 0);
  for (let i = 0; i < names.length; i++) {
    if (i > 0) at = writeBytes(COMMA_BYTES, at);
    starts.push(at);
    at = writeText(partText(names[i]!, d.data[names[i]!]!, true), at);
    ends.push(at);
  }
  at = writeBytes(DIR_TAIL, at);
  return { bytes: scratch.slice(0, at), names, starts, ends };
}

function patched(d: DirObj, prior: EncodedDir, changed: Iterable<string>): EncodedDir {
  let enc = prior;
  for (const name of changed) enc = withEntry(enc, name, dirEntry(d, name));
  return enc;
}

/** `enc` with the entry `name` replaced, added or (when `entry` is undefined) removed; `enc` itself is left as it was. */
function withEntry(enc: EncodedDir, name: string, entry: TreeObj | undefined): EncodedDir {
  const { names, starts, ends } = enc;
  const i = lowerBound(names, name);
  const present = names[i] === name;
  if (!entry) {
    if (!present) return enc;
    // remove the part and one comma beside it
    const last = names.length - 1;
    const from = i < last || i === 0 ? starts[i]! : ends[i - 1]!;
    const to = i < last ? starts[i + 1]! : ends[i]!;
    return splice(enc, { from, to, part: 0, comma: 0, index: i, removes: true });
  }
  const text = partText(name, entry, false);
  if (present) return replacedInPlace(enc, i, text) ?? splice(enc, { from: starts[i]!, to: ends[i]!, part: writeText(text, 0), comma: 0, index: i, removes: true, name });
  const at = names.length === 0 ? DIR_HEAD.length : i < names.length ? starts[i]! : ends[i - 1]!;
  // a comma after the new part when an entry follows it, before it when it is the last of several
  const comma = names.length === 0 ? 0 : i < names.length ? 1 : -1;
  return splice(enc, { from: at, to: at, part: writeText(text, 0), comma, index: i, removes: false, name });
}

/**
 * An entry replaced by one as long (a subdirectory's new blobref, the
 * commonest edit): the copy is written in place, and the names and every
 * part's place stay as they were, so the arrays are shared (an encoding's
 * arrays are never changed in place). Undefined when the lengths differ.
 */
function replacedInPlace(enc: EncodedDir, i: number, text: string): EncodedDir | undefined {
  const from = enc.starts[i]!;
  const to = enc.ends[i]!;
  if (text.length > to - from) return undefined; // longer in UTF-8 too
  const bytes = enc.bytes.slice();
  const { read, written } = encoder.encodeInto(text, bytes.subarray(from, to));
  if (read !== text.length || written !== to - from) return undefined;
  return { bytes, names: enc.names, starts: enc.starts, ends: enc.ends };
}

/**
 * Bytes [from, to) replaced by the `part` bytes at the start of the scratch
 * buffer, with a comma after it (1), before it (-1) or none (0); the entry
 * at `index` removed and/or `name` put there.
 */
interface Edit {
  from: number;
  to: number;
  part: number;
  comma: -1 | 0 | 1;
  index: number;
  removes: boolean;
  name?: string;
}

function splice(enc: EncodedDir, edit: Edit): EncodedDir {
  const { from, to, part, comma, index, removes, name } = edit;
  const inserted = part + (comma === 0 ? 0 : 1);
  const bytes = new Uint8Array(enc.bytes.length - (to - from) + inserted);
  bytes.set(enc.bytes.subarray(0, from));
  let at = from;
  if (comma === -1) bytes[at++] = COMMA;
  const start = at;
  bytes.set(scratch.subarray(0, part), at);
  at += part;
  if (comma === 1) bytes[at++] = COMMA;
  bytes.set(enc.bytes.subarray(to), at);
  const delta = bytes.length - enc.bytes.length;
  const names = enc.names.slice();
  const starts = enc.starts.slice();
  const ends = enc.ends.slice();
  const removed = removes ? 1 : 0;
  if (name !== undefined) {
    names.splice(index, removed, name);
    starts.splice(index, removed, start);
    ends.splice(index, removed, start + part);
  } else {
    names.splice(index, removed);
    starts.splice(index, removed);
    ends.splice(index, removed);
  }
  // every later part moved by what was inserted or cut
  for (let j = name !== undefined ? index + 1 : index; j < names.length; j++) {
    starts[j]! += delta;
    ends[j]! += delta;
  }
  return { bytes, names, starts, ends };
}

/** The first index whose name is not below `name` (code unit order, as the default sort). */
function lowerBound(names: string[], name: string): number {
  let lo = 0;
  let hi = names.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (names[mid]! < name) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** `"name":entry`; `remember` keeps the entry's JSON for the next encoding of its directory afresh (see entryText). */
function partText(name: string, entry: TreeObj, remember: boolean): string {
  return `${JSON.stringify(name)}:${encodeText(entry, remember)}`;
}

function encodeText(obj: TreeObj, remember = false): string {
  // a directory inline in another (RFC 11 allows it; this kvs always stores dirrefs)
  if (obj.type === "dir") return decoder.decode(encodedDir(obj).bytes);
  let text = entryText.get(obj);
  if (text === undefined) {
    // a val's data is a string and a valref's or dirref's an array of strings: JSON.stringify() gives their
    // text as jansson does; only a symlink's object has keys to sort
    const data = obj.type === "symlink" ? stringifySorted(obj.data) : JSON.stringify(obj.data);
    text = `{"data":${data},"type":"${obj.type}","ver":1}`;
    if (remember) entryText.set(obj, text);
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
  return host.btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  const binary = host.atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
