/**
 * LZ4 block compression as content-sqlite uses it (LZ4_compress_default /
 * LZ4_decompress_safe on raw blocks), on the lz4js library.
 */
import lz4 from "lz4js";

const hashTable = new Uint32Array(1 << 16);
let scratch = new Uint8Array(64 * 1024);

/**
 * LZ4 matches reach back at most 64 KiB, and lz4js checks that distance
 * before anything else. Blobs are therefore compressed from one buffer, each
 * placed at least 64 KiB past the end of the one before: every position the
 * hash table still holds from earlier blobs is out of reach, so the output is
 * exactly what a cleared table gives, and the table (256 KiB) is cleared only
 * when the buffer wraps. Clearing it for every blob took longer than the
 * compression itself (20 000 directory blobs of 0.3-20 KB: 1.5 s of clearing).
 */
const WINDOW = 64 * 1024;
const input = new Uint8Array(4 * 1024 * 1024);
let inputAt = input.length;

/** Where `src` now lies in `input`, the table ready for it; -1 when it does not fit (the table is cleared then). */
function place(src: Uint8Array): number {
  if (inputAt + src.length > input.length) {
    hashTable.fill(0);
    inputAt = 0;
    if (src.length > input.length) {
      inputAt = input.length; // the next blob clears the table again
      return -1;
    }
  }
  const at = inputAt;
  input.set(src, at);
  inputAt += src.length + WINDOW;
  return at;
}

/**
 * Compress `src` into a buffer that is reused by the next call: the result is
 * valid until then (content-sqlite hands it straight to SQLite, which copies
 * it), so storing a blob leaves no compressed garbage behind.
 */
export function lz4Compress(src: Uint8Array): Uint8Array {
  const bound = lz4.compressBound(src.length);
  if (scratch.length < bound) scratch = new Uint8Array(bound);
  const dst = scratch;
  const at = place(src);
  const n = at >= 0 ? lz4.compressBlock(input, dst, at, src.length, hashTable) : lz4.compressBlock(src, dst, 0, src.length, hashTable);
  // lz4js gives up (0) when it finds no match at all; liblz4 then emits one
  // literal-only sequence, which is what we write so sizes match flux's.
  return n > 0 ? dst.subarray(0, n) : literalBlock(src, dst);
}

export function lz4Decompress(src: Uint8Array, size: number): Uint8Array {
  const dst = new Uint8Array(size);
  const n = lz4.decompressBlock(src, dst, 0, src.length, 0);
  if (n !== size) throw new Error(`lz4: decompressed ${n} bytes, expected ${size}`);
  return dst;
}

function literalBlock(src: Uint8Array, dst: Uint8Array): Uint8Array {
  let i = 0;
  let count = src.length;
  if (count >= 15) {
    dst[i++] = 0xf0;
    for (count -= 15; count >= 255; count -= 255) dst[i++] = 255;
    dst[i++] = count;
  } else {
    dst[i++] = count << 4;
  }
  dst.set(src, i);
  return dst.subarray(0, i + src.length);
}
