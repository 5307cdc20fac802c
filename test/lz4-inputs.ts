/**
 * Inputs for checking lz4Compress against liblz4 (test/lz4.test.ts): every
 * path of LZ4_compress_default (too short to compress, 16-bit and 32-bit
 * tables, matches found by the skip search and by the next-position test,
 * long literal runs and match lengths, nothing to match), from a seeded PRNG
 * so that the same inputs are made wherever they are made.
 */
import { Prng } from "../src/engine/sim/prng.ts";

export function lz4Inputs(): Uint8Array[] {
  const prng = new Prng(2026);
  const text = new TextEncoder();
  const directory = (size: number, seed: number) =>
    text.encode(Array.from({ length: size / 20 + 1 }, (_, k) => `"${(k * 37 + seed).toString(16)}":{"data":["sha1-${(k * 7919 + seed).toString(16).padStart(40, "0")}"],"type":"dirref","ver":1},`).join("").slice(0, size));
  const fewSymbols = (size: number, symbols: number) => prng.bytes(size).map((b) => 97 + (b % symbols));
  const inputs: Uint8Array[] = [];
  for (const size of [0, 1, 12, 13, 14, 20, 100, 256, 1_000, 5_000, 20_000, 65_535, 65_546, 65_547, 70_000, 300_000]) {
    inputs.push(prng.bytes(size), directory(size, size), fewSymbols(size, 4), fewSymbols(size, 16), new Uint8Array(size), text.encode("flux ".repeat(size / 5 + 1)).slice(0, size));
  }
  return inputs;
}
