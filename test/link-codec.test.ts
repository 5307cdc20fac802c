/**
 * The channel's codec (src/worker/link-codec.ts) gives back exactly the value it was given: what JSON cannot say
 * (undefined, bigint, NaN, ±Infinity, -0, bytes, a key that is the codec's own tag) included, since the script may
 * print it and the console is traced; and it refuses what it cannot carry instead of changing it.
 */
import { describe, expect, it } from "vitest";
import { decodeValue, encodeValue, UncarriedValue } from "../src/worker/link-codec.ts";

const roundTrip = (value: unknown) => decodeValue(encodeValue(value));

describe("the link's codec", () => {
  it("gives back what JSON cannot say, where it was", () => {
    const value = { a: undefined, n: [1, NaN, -0, Infinity, -Infinity, 2n ** 70n], bytes: new Uint8Array([0, 255, 7]), nested: [{ empty: new Uint8Array(0), s: "é\u0000" }], nil: null };
    const back = roundTrip(value) as typeof value;
    expect(back).toEqual(value);
    expect(Object.hasOwn(back, "a")).toBe(true);
    expect(Object.is(back.n[2], -0)).toBe(true);
    expect(back.bytes).toBeInstanceOf(Uint8Array);
    expect(roundTrip(undefined)).toBeUndefined();
  });

  it("keeps a key that is the codec's own tag as data", () => {
    const value = { "\u0001": ["b", 0, 3], other: { "\u0001": 1 } };
    expect(roundTrip(value)).toEqual(value);
  });

  it("carries bytes larger than the rest, in order", () => {
    const blobs = [new Uint8Array(100_000).fill(1), new Uint8Array(3).fill(2), new Uint8Array(70_000).fill(3)];
    expect(roundTrip({ blobs })).toEqual({ blobs });
  });

  it("refuses a value that is not plain data", () => {
    for (const value of [new Map(), { f: () => 1 }, [Symbol("s")], new (class Thing {})()]) expect(() => encodeValue(value)).toThrow(UncarriedValue);
  });
});
