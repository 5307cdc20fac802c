/**
 * lz4Compress keeps lz4js's hash table between blobs (placing each blob out
 * of reach of the positions left from earlier ones) instead of clearing it:
 * its output must be exactly what a cleared table gives, blob after blob.
 */
import { describe, expect, it } from "vitest";
import lz4 from "lz4js";
import { lz4Compress, lz4Decompress } from "../src/engine/common/lz4.ts";
import { Prng } from "../src/engine/sim/prng.ts";

/** Byte equality without vitest's element-by-element diffing of large arrays. */
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.length).equals(Buffer.from(b.buffer, b.byteOffset, b.length));

function withClearedTable(src: Uint8Array): Uint8Array {
  const dst = new Uint8Array(lz4.compressBound(src.length));
  const n = lz4.compressBlock(src, dst, 0, src.length, new Uint32Array(1 << 16));
  return dst.slice(0, n);
}

describe("lz4Compress", () => {
  it("gives what a cleared hash table gives, for blob after blob across buffer wraps, and round-trips", () => {
    const prng = new Prng(3);
    const text = new TextEncoder();
    for (let i = 0; i < 200; i++) {
      const size = [20, 300, 5_000, 70_000, 300_000][i % 5]!;
      const blob =
        i % 3 === 0
          ? prng.bytes(size)
          : text.encode(Array.from({ length: size / 10 + 1 }, (_, k) => `"${(k * 37 + i).toString(16)}":1,`).join("").slice(0, size));
      const ours = lz4Compress(blob);
      const reference = withClearedTable(blob);
      if (reference.length > 0) expect(same(ours, reference), `blob ${i}`).toBe(true); // 0: lz4js found no match; we write a literal block
      expect(same(lz4Decompress(ours.slice(), blob.length), blob), `blob ${i}`).toBe(true);
    }
  });

  it("compresses a blob larger than its buffer", () => {
    const blob = new TextEncoder().encode("flux ".repeat(1_200_000));
    expect(same(lz4Compress(blob), withClearedTable(blob))).toBe(true);
    expect(same(lz4Compress(new Uint8Array(5_000)), withClearedTable(new Uint8Array(5_000)))).toBe(true);
  });
});
