/**
 * The keys each call's options object may have, and the check that it has no other: a typo such as
 * `{ synch: true }` would otherwise run with the defaults and the script would never hear of it.
 */

/**
 * The keys of an options type as a list the check can read. The record must name each key of the type and
 * no other (the compiler checks both ways), so the type stays the one place a new key is declared: the build
 * then points at the record that must allow it.
 */
export const keysOf = <T extends object>(all: Record<keyof Required<T>, true>): readonly string[] => Object.keys(all);

/**
 * Why `value` is not an options object of `call` ("kvs.put: unknown option "synch"; known: sync, noMerge,
 * append"), or undefined when it is one (or is not given). `what` names a key in the message: "option", or
 * "setting" for scenario({...}).
 */
export function optionsProblem(value: unknown, allowed: readonly string[], call: string, what = "option"): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "object" || value === null || Array.isArray(value)) return `${call}: the ${what}s are an object such as { ${allowed[0]}: ... }, got ${describe(value)}`;
  const stray = Object.keys(value).find((key) => !allowed.includes(key));
  return stray === undefined ? undefined : `${call}: unknown ${what} ${JSON.stringify(stray)}; known: ${allowed.join(", ")}`;
}

const describe = (value: unknown) => (Array.isArray(value) ? "an array" : value === null ? "null" : typeof value === "string" ? JSON.stringify(value) : String(value));
