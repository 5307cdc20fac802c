/**
 * The run's one seeded PRNG (xoroshiro128+ from pure-rand). Everything
 * random in a run comes from here or from an explicit seed, so a run replays.
 */
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus, xoroshiro128plusFromState } from "pure-rand/generator/xoroshiro128plus";

type Generator = ReturnType<typeof xoroshiro128plus>;

export class Prng {
  private readonly rng: Generator;

  /** @param from a seed, or the state of another Prng (which this one then continues exactly) */
  constructor(from: number | readonly number[]) {
    this.rng = typeof from === "number" ? xoroshiro128plus(from) : xoroshiro128plusFromState(from);
  }

  /** Where the sequence is: a Prng made from it draws what this one would draw next. */
  state(): readonly number[] {
    return this.rng.getState();
  }

  /** An integer in [from, to]. */
  int(from: number, to: number): number {
    return uniformInt(this.rng, from, to);
  }

  /** 32 random bits. */
  next32(): number {
    return this.rng.next() >>> 0;
  }

  /** `n` pseudo-random bytes. */
  bytes(n: number): Uint8Array {
    return fillRandom(new Uint8Array(n), () => this.next32());
  }
}

/** `n` bytes that depend only on `seed`: the same payload every time. */
export function seededBytes(n: number, seed: number): Uint8Array {
  return new Prng(seed).bytes(n);
}

function fillRandom(out: Uint8Array, next32: () => number): Uint8Array {
  const words = new Uint32Array(out.buffer, out.byteOffset, Math.floor(out.length / 4));
  for (let i = 0; i < words.length; i++) words[i] = next32();
  for (let i = words.length * 4; i < out.length; i++) out[i] = next32() & 0xff;
  return out;
}
