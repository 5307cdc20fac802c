/**
 * lz4Compress must make liblz4's blocks, byte for byte: what a blob takes on
 * the statedir depends on them. test/lz4-liblz4.json holds the size and
 * SHA-256 of what the system's liblz4 (LZ4_compress_default) made of each of
 * test/lz4-inputs.ts's inputs; `npm run -s lz4:reference` records it again.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { lz4Compress, lz4Decompress } from "../src/engine/common/lz4.ts";
import { lz4Inputs } from "./lz4-inputs.ts";

const reference = JSON.parse(readFileSync(new URL("./lz4-liblz4.json", import.meta.url), "utf8")) as { liblz4: string; outputs: { size: number; sha256: string }[] };
const inputs = lz4Inputs();

const digest = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("lz4Compress", () => {
  it(`makes liblz4 ${reference.liblz4}'s blocks for every path of LZ4_compress_default, and they round-trip`, () => {
    expect(reference.outputs).toHaveLength(inputs.length);
    inputs.forEach((blob, i) => {
      const ours = lz4Compress(blob);
      expect({ size: ours.length, sha256: digest(ours) }, `input ${i} (${blob.length} bytes)`).toEqual(reference.outputs[i]);
      expect(digest(lz4Decompress(ours.slice(), blob.length)), `input ${i}`).toBe(digest(blob));
    });
  });

  it("compresses a blob the same whatever it compressed before (each starts from a cleared table)", () => {
    const alone = inputs.map((blob) => digest(lz4Compress(blob)));
    const reversed = [...inputs].reverse().map((blob) => digest(lz4Compress(blob)));
    expect(reversed.reverse()).toEqual(alone);
  });
});
