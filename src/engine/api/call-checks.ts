/**
 * The checks a call's arguments get before it is made, on either side of a realm without an engine: the API's
 * script side (scenario-api.ts, engine-link.ts) and the engine's (engine-session.ts). On their own, so that the
 * script's realm loads none of the engine to make them.
 */
import { parseKey } from "../modules/kvs/key.ts";
import { FluxError } from "../sim/errno.ts";
import { format } from "./expect.ts";

/** The most bytes one bytes(n) may make: 1 GiB. */
export const MAX_BYTES = 1024 * 1024 * 1024;

/** A commit's flag as a call may give it: left out, or true or false. */
export function isFlag(value: unknown): value is boolean | undefined {
  return value === undefined || typeof value === "boolean";
}

export function checkKey(key: unknown): string {
  if (typeof key !== "string" || parseKey(key).length === 0) throw new FluxError("EINVAL", `invalid key ${format(key)}: use a dotted path such as "a.b.c"`);
  return key;
}

export function checkByteCount(n: unknown): number {
  if (!Number.isInteger(n) || (n as number) < 0 || (n as number) > MAX_BYTES) throw new FluxError("EINVAL", `bytes: n must be a whole number from 0 to 1 GiB, got ${format(n)}`);
  return n as number;
}
