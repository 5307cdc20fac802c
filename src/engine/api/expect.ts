/**
 * A vitest-like subset of `expect` for scenarios: the matchers lessons and
 * conformance scripts need, `.not`, and `.resolves` / `.rejects` for calls
 * into the simulated instance. `rejects.toThrow("ENOSPC")` matches the errno
 * exactly or any part of the error message.
 */
export class ExpectationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ExpectationError";
  }
}

type Matcher = (received: unknown, ...args: unknown[]) => { pass: boolean; message: string };

const MATCHERS = {
  toBe: (r, e) => ({ pass: Object.is(r, e), message: `expected ${format(r)} to be ${format(e)}` }),
  toEqual: (r, e) => ({ pass: deepEqual(r, e), message: `expected ${format(r)} to equal ${format(e)}` }),
  toContain: (r, e) => ({
    pass: typeof r === "string" ? typeof e === "string" && r.includes(e) : Array.isArray(r) && r.some((x) => deepEqual(x, e)),
    message: `expected ${format(r)} to contain ${format(e)}`,
  }),
  toMatch: (r, e) => ({
    pass: typeof r === "string" && (e instanceof RegExp ? e.test(r) : r.includes(String(e))),
    message: `expected ${format(r)} to match ${format(e)}`,
  }),
  toBeGreaterThan: (r, e) => ({ pass: (r as number) > (e as number), message: `expected ${format(r)} to be greater than ${format(e)}` }),
  toBeGreaterThanOrEqual: (r, e) => ({ pass: (r as number) >= (e as number), message: `expected ${format(r)} to be >= ${format(e)}` }),
  toBeLessThan: (r, e) => ({ pass: (r as number) < (e as number), message: `expected ${format(r)} to be less than ${format(e)}` }),
  toBeLessThanOrEqual: (r, e) => ({ pass: (r as number) <= (e as number), message: `expected ${format(r)} to be <= ${format(e)}` }),
  toBeTruthy: (r) => ({ pass: Boolean(r), message: `expected ${format(r)} to be truthy` }),
  toBeFalsy: (r) => ({ pass: !r, message: `expected ${format(r)} to be falsy` }),
  toBeDefined: (r) => ({ pass: r !== undefined, message: `expected ${format(r)} to be defined` }),
  toBeUndefined: (r) => ({ pass: r === undefined, message: `expected ${format(r)} to be undefined` }),
  toBeNull: (r) => ({ pass: r === null, message: `expected ${format(r)} to be null` }),
  toHaveLength: (r, n) => ({
    pass: (r as { length?: unknown })?.length === n,
    message: `expected ${format(r)} to have length ${format(n)} (it has ${format((r as { length?: unknown })?.length)})`,
  }),
  toThrow: (r, e) => {
    if (typeof r !== "function") return { pass: false, message: `expected a function to call, got ${format(r)}` };
    try {
      r();
    } catch (err) {
      return errorMatches(err, e as string | RegExp | undefined);
    }
    return { pass: false, message: `expected the function to throw${e === undefined ? "" : ` ${format(e)}`}, but it returned` };
  },
} satisfies Record<string, Matcher>;

type MatcherName = keyof typeof MATCHERS;

export type Matchers<R> = {
  toBe(expected: unknown): R;
  toEqual(expected: unknown): R;
  toContain(expected: unknown): R;
  toMatch(expected: string | RegExp): R;
  toBeGreaterThan(n: number): R;
  toBeGreaterThanOrEqual(n: number): R;
  toBeLessThan(n: number): R;
  toBeLessThanOrEqual(n: number): R;
  toBeTruthy(): R;
  toBeFalsy(): R;
  toBeDefined(): R;
  toBeUndefined(): R;
  toBeNull(): R;
  toHaveLength(n: number): R;
  /** For a function: it throws; a string matches an errno exactly or part of the message, a RegExp the message. */
  toThrow(expected?: string | RegExp): R;
};

export interface Assertion extends Matchers<void> {
  readonly not: Matchers<void>;
  /** Await the promise and check what it resolved to. */
  readonly resolves: Matchers<Promise<void>> & { readonly not: Matchers<Promise<void>> };
  /** Await the promise and check how it rejected: `await expect(kvs.put("a", 1)).rejects.toThrow("ENOSPC")`. */
  readonly rejects: { toThrow(expected?: string | RegExp): Promise<void> };
}

export function expect(received: unknown): Assertion {
  const sync = (negate: boolean) => bind((name, args) => check(name, negate, received, args));
  const resolves = (negate: boolean) =>
    bind(async (name, args) => {
      const value = await (received as Promise<unknown>);
      check(name, negate, value, args);
    });
  return {
    ...sync(false),
    not: sync(true),
    resolves: { ...resolves(false), not: resolves(true) },
    rejects: {
      async toThrow(expected?: string | RegExp) {
        let value: unknown;
        try {
          value = await (received as Promise<unknown>);
        } catch (err) {
          const { pass, message } = errorMatches(err, expected);
          if (!pass) throw new ExpectationError(message);
          return;
        }
        throw new ExpectationError(`expected the promise to reject${expected === undefined ? "" : ` with ${format(expected)}`}, but it resolved to ${format(value)}`);
      },
    },
  };
}

function bind<R>(run: (name: MatcherName, args: unknown[]) => R): Matchers<R> {
  const out = {} as Record<MatcherName, (...args: unknown[]) => R>;
  for (const name of Object.keys(MATCHERS) as MatcherName[]) out[name] = (...args) => run(name, args);
  return out as Matchers<R>;
}

function check(name: MatcherName, negate: boolean, received: unknown, args: unknown[]): void {
  const { pass, message } = (MATCHERS[name] as Matcher)(received, ...args);
  if (pass === negate) throw new ExpectationError(negate ? message.replace(/^expected (.*?) to /, "expected $1 not to ") : message);
}

function errorMatches(err: unknown, expected: string | RegExp | undefined): { pass: boolean; message: string } {
  const e = err as { errno?: unknown; message?: unknown };
  const text = typeof e?.message === "string" ? e.message : String(err);
  const pass =
    expected === undefined || (expected instanceof RegExp ? expected.test(text) : e?.errno === expected || text.includes(expected));
  return { pass, message: `expected an error matching ${format(expected)}, got ${e?.errno ? `${String(e.errno)}: ` : ""}${text}` };
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a instanceof Uint8Array || b instanceof Uint8Array) {
    return a instanceof Uint8Array && b instanceof Uint8Array && a.length === b.length && a.every((v, i) => v === b[i]);
  }
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** A short, readable rendering of a value for messages and logs. */
export function format(value: unknown): string {
  if (value instanceof Uint8Array) {
    const head = [...value.subarray(0, 8)].map((b) => b.toString(16).padStart(2, "0")).join(" ");
    return `Uint8Array(${value.length})${value.length ? ` [${head}${value.length > 8 ? " …" : ""}]` : ""}`;
  }
  if (value instanceof RegExp) return String(value);
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (typeof value === "string") return JSON.stringify(value);
  if (value === undefined) return "undefined";
  if (typeof value === "function") return "[function]";
  // JSON would call these null
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  try {
    const text = JSON.stringify(value, withoutCycles());
    return text.length > 200 ? `${text.slice(0, 200)}…` : text;
  } catch {
    return String(value);
  }
}

/** A JSON replacer that shows byte arrays briefly and a reference back to an enclosing object as "[circular]". */
function withoutCycles(): (this: unknown, key: string, value: unknown) => unknown {
  const ancestors: unknown[] = [];
  return function (this: unknown, _key: string, value: unknown) {
    if (value instanceof Uint8Array) return format(value);
    if (typeof value !== "object" || value === null) return value;
    // `this` is the object holding `value`: drop the ancestors we have left
    while (ancestors.length > 0 && ancestors.at(-1) !== this) ancestors.pop();
    if (ancestors.includes(value)) return "[circular]";
    ancestors.push(value);
    return value;
  };
}
