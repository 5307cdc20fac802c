/**
 * Blobrefs: content addresses of the form "sha1-<40 hex>" (flux's default
 * content.hash) or "sha256-<64 hex>" (src/common/libutil/blobref.c).
 *
 * Hashing is on every commit's hot path (each changed directory is hashed),
 * so it uses hash-wasm: synchronous once its WebAssembly is instantiated
 * (awaited here, at module load), and 4-5x faster than pure JS on these
 * machines.
 */
import { createSHA1, createSHA256, type IHasher } from "hash-wasm";

export type HashName = "sha1" | "sha256";

/** The longest blobref string flux accepts (BLOBREF_MAX_STRING_SIZE). */
export const BLOBREF_MAX_STRING_SIZE = 72;

const HASHERS: Record<HashName, IHasher> = { sha1: await createSHA1(), sha256: await createSHA256() };
const DIGEST_HEX: Record<HashName, number> = { sha1: 40, sha256: 64 };

// Blobs travel between modules as the same Uint8Array object and are never
// mutated, so the cache, content-sqlite and the kvs need not hash one blob three times.
const memo = new WeakMap<Uint8Array, string>();

export function blobref(hash: HashName, data: Uint8Array): string {
  let ref = memo.get(data);
  if (ref === undefined || !ref.startsWith(hash)) {
    const hasher = HASHERS[hash];
    hasher.init();
    hasher.update(data);
    ref = `${hash}-${hasher.digest("hex")}`;
    memo.set(data, ref);
  }
  return ref;
}

/** True when `ref` is a well-formed blobref of hash type `hash`. */
export function isBlobref(ref: unknown, hash: HashName): ref is string {
  if (typeof ref !== "string" || !ref.startsWith(`${hash}-`)) return false;
  const hex = ref.slice(hash.length + 1);
  return hex.length === DIGEST_HEX[hash] && /^[0-9a-f]+$/.test(hex);
}

/**
 * The raw digest a blobref names (blobref_strtohash): what content-sqlite keys its objects by, 20 bytes for
 * SHA-1 where the blobref text is 45.
 */
export function digestOf(ref: string): Uint8Array {
  const start = ref.indexOf("-") + 1;
  const digest = new Uint8Array((ref.length - start) / 2);
  // every store and load takes this path: digits by char code, no substrings
  for (let i = 0, at = start; i < digest.length; i++, at += 2) digest[i] = (nibble(ref.charCodeAt(at)) << 4) | nibble(ref.charCodeAt(at + 1));
  return digest;
}

/** A lowercase hex digit's value (isBlobref has checked that it is one). */
function nibble(code: number): number {
  return code <= 57 ? code - 48 : code - 87;
}
