/**
 * LZ4 block compression as content-sqlite uses it: LZ4_compress_default()
 * into a buffer of LZ4_compressBound() bytes (flux-core
 * src/modules/content-sqlite/content-sqlite.c), and LZ4_decompress_safe().
 *
 * The compressor is liblz4's (lib/lz4.c 1.9.4, the system library that
 * flux-core links through pkg-config, as Debian 12 ships it) for that one
 * call: a fresh state, acceleration 1, 16 KiB of hash table
 * (LZ4_MEMORY_USAGE 14), no dictionary. Its blocks are liblz4's byte for
 * byte, so a blob takes on the statedir what it takes under real Flux
 * (test/lz4.test.ts checks them against output recorded from liblz4 itself;
 * so were all 18 988 compressed blobs of a t0090 run). lz4js, used before,
 * compresses with a 256 KiB table of its own design: its blocks were 0.5 %
 * smaller than liblz4's on those blobs, and with SQLite pushing that table out
 * of the CPU's caches between two blobs, LZ4 took 0.87 s a t0090 run where the
 * same blobs back to back took 0.61 s; this one takes 0.77 s there (profiles
 * of three runs). Decompression stays lz4js's: any valid block decodes the
 * same.
 */
import lz4 from "lz4js";

const MIN_MATCH = 4;
/** The last match starts at least this far from the end (MFLIMIT); shorter inputs are all literals (LZ4_minLength = MFLIMIT + 1). */
const MF_LIMIT = 12;
/** The last bytes are always literals (LASTLITERALS). */
const LAST_LITERALS = 5;
const SKIP_TRIGGER = 6;
/** A token is two nibbles: the literal count above, the match length (less MIN_MATCH) below; 15 in either says more bytes follow (RUN_MASK, ML_MASK). */
const ML_BITS = 4;
const NIBBLE_MAX = 15;
const DISTANCE_MAX = 65535;
/** LZ4_HASHLOG = LZ4_MEMORY_USAGE - 2. */
const HASH_LOG = 12;
/** Inputs below this (64 KiB + MFLIMIT - 1) index their table with 16-bit positions and hash 4 bytes to HASH_LOG + 1 bits; larger ones use 32-bit positions and hash 5 bytes. */
const LIMIT_64K = 65536 + MF_LIMIT - 1;

/**
 * The byU16 table (2^13 16-bit positions) and the byU32 one (2^12 32-bit
 * positions), 16 KiB each, zeroed for each blob as LZ4_initStream does.
 */
const TABLES = { small: new Uint16Array(1 << (HASH_LOG + 1)), large: new Uint32Array(1 << HASH_LOG) };

let scratch = new Uint8Array(64 * 1024);

/**
 * Compress `src` into a buffer that is reused by the next call: the result is
 * valid until then (content-sqlite hands it straight to SQLite, which copies
 * it), so storing a blob leaves no compressed garbage behind.
 */
export function lz4Compress(src: Uint8Array): Uint8Array {
  const bound = lz4.compressBound(src.length);
  if (scratch.length < bound) scratch = new Uint8Array(bound);
  return scratch.subarray(0, compress(src, scratch, src.length >= LIMIT_64K));
}

export function lz4Decompress(src: Uint8Array, size: number): Uint8Array {
  const dst = new Uint8Array(size);
  const n = lz4.decompressBlock(src, dst, 0, src.length, 0);
  if (n !== size) throw new Error(`lz4: decompressed ${n} bytes, expected ${size}`);
  return dst;
}

const PRIME_5_BYTES = 889523592379n;
const U64 = (1n << 64n) - 1n;

/**
 * Where the bytes at `at` go in the table: byU16 (`large` false) hashes 4
 * bytes (LZ4_hash4: times 2654435761, the top HASH_LOG + 1 bits of 32);
 * byU32 hashes 5 on a 64-bit machine (LZ4_hash5: shifted up 24 bits, times
 * 889523592379, the top HASH_LOG bits of 64), in BigInt: only inputs over
 * 64 KiB take it.
 */
function hashAt(src: Uint8Array, at: number, large: boolean): number {
  return large ? hash5(src, at) : Math.imul(readU32(src, at), -1640531535) >>> (32 - (HASH_LOG + 1));
}

function hash5(src: Uint8Array, at: number): number {
  const five = BigInt(readU32(src, at) >>> 0) | (BigInt(src[at + 4]!) << 32n);
  return Number((((five << 24n) * PRIME_5_BYTES) & U64) >> BigInt(64 - HASH_LOG));
}

function readU32(b: Uint8Array, at: number): number {
  return b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24);
}

/**
 * LZ4_compress_generic() as LZ4_compress_default() runs it (noDict,
 * notLimited): returns the compressed length. Positions are indexes into
 * `src` (liblz4's `base` is the source itself on a fresh state), and a hash
 * never stored yet reads as position 0, as liblz4's zeroed table does.
 */
function compress(src: Uint8Array, dst: Uint8Array, large: boolean): number {
  const table = large ? TABLES.large : TABLES.small;
  // byU16 inputs are too short for any match to be out of reach: liblz4 tests the distance only for byU32
  const checksDistance = large;
  table.fill(0);
  const end = src.length;
  const mfLimitPlusOne = end - MF_LIMIT + 1;
  const matchLimit = end - LAST_LITERALS;
  let anchor = 0;
  let op = 0;
  if (end < MF_LIMIT + 1) return lastLiterals(src, anchor, dst, op);

  let ip = 0;
  table[hashAt(src, ip, large)] = ip;
  ip++;
  let forwardH = hashAt(src, ip, large);
  for (;;) {
    // find a match, skipping faster the longer none is found
    let match: number;
    let forwardIp = ip;
    let step = 1;
    let searchMatchNb = 1 << SKIP_TRIGGER;
    for (;;) {
      const h = forwardH;
      const current = forwardIp;
      const matchIndex = table[h]!;
      ip = forwardIp;
      forwardIp += step;
      step = searchMatchNb++ >> SKIP_TRIGGER;
      if (forwardIp > mfLimitPlusOne) return lastLiterals(src, anchor, dst, op);
      match = matchIndex;
      forwardH = hashAt(src, forwardIp, large);
      table[h] = current;
      if (checksDistance && matchIndex + DISTANCE_MAX < current) continue;
      if (readU32(src, match) === readU32(src, ip)) break;
    }
    // catch up: extend the match backwards over equal bytes
    while (ip > anchor && match > 0 && src[ip - 1] === src[match - 1]) {
      ip--;
      match--;
    }
    let token = op++;
    op = writeLength(dst, op, token, ip - anchor, "literals");
    op = copy(src, anchor, ip, dst, op);

    // a match, and as long as the next position matches too, the next one, with no literals between
    for (;;) {
      dst[op++] = (ip - match) & 0xff;
      dst[op++] = (ip - match) >> 8;
      const matchCode = count(src, ip + MIN_MATCH, match + MIN_MATCH, matchLimit);
      ip += matchCode + MIN_MATCH;
      op = writeLength(dst, op, token, matchCode, "match");
      anchor = ip;
      if (ip >= mfLimitPlusOne) return lastLiterals(src, anchor, dst, op);
      table[hashAt(src, ip - 2, large)] = ip - 2;
      const h = hashAt(src, ip, large);
      const matchIndex = table[h]!;
      table[h] = ip;
      if ((checksDistance && matchIndex + DISTANCE_MAX < ip) || readU32(src, matchIndex) !== readU32(src, ip)) break;
      match = matchIndex;
      token = op++;
      dst[token] = 0;
    }
    forwardH = hashAt(src, ++ip, large);
  }
}

/** How many bytes from `a` equal those from `b`, up to `limit` (LZ4_count). */
function count(src: Uint8Array, a: number, b: number, limit: number): number {
  const start = a;
  while (a < limit && src[a] === src[b]) {
    a++;
    b++;
  }
  return a - start;
}

/**
 * A length into its nibble of the token at `token` (the literal count is
 * written first, into the high nibble; the match length is added below it),
 * with 255s and a last byte for what the nibble cannot hold; returns where
 * output goes on.
 */
function writeLength(dst: Uint8Array, op: number, token: number, length: number, nibble: "literals" | "match"): number {
  const inToken = length < NIBBLE_MAX ? length : NIBBLE_MAX;
  dst[token] = nibble === "literals" ? inToken << ML_BITS : dst[token]! + inToken;
  if (length < NIBBLE_MAX) return op;
  let rest = length - NIBBLE_MAX;
  for (; rest >= 255; rest -= 255) dst[op++] = 255;
  dst[op++] = rest;
  return op;
}

/** The literals from `anchor` to the end, as the last sequence. */
function lastLiterals(src: Uint8Array, anchor: number, dst: Uint8Array, op: number): number {
  const token = op++;
  op = writeLength(dst, op, token, src.length - anchor, "literals");
  return copy(src, anchor, src.length, dst, op);
}

/** Bytes [from, to) of `src` to `op` in `dst`; returns where output goes on. */
function copy(src: Uint8Array, from: number, to: number, dst: Uint8Array, op: number): number {
  // most literal runs are a few bytes: a loop costs less than making a view for set()
  if (to - from < 32) for (let i = from; i < to; i++) dst[op++] = src[i]!;
  else {
    dst.set(src.subarray(from, to), op);
    op += to - from;
  }
  return op;
}
