/**
 * Random scenario scripts for the runner fuzz test, written from the API's
 * own shape (api-shape.ts): random calls with random, and often wrong-typed,
 * arguments; awaited, caught, or left unawaited; read-only properties; thrown
 * values of every kind; early returns. Same seed, same script.
 */
import { Prng } from "../../src/engine/sim/prng.ts";
import { PRESETS } from "../../src/engine/policy/presets.ts";
import type { Member, Param } from "./api-shape.ts";

/** Values of no type the API expects: what a confused script passes. */
const WRONG = [
  "undefined", "null", "{}", "[]", "-1", "NaN", "Infinity", '""', '"x".repeat(5000)', "() => 1", 'Symbol("s")', "10n",
  '{ toString() { throw new Error("toString boom"); } }', "new Uint8Array(3)", "Object.create(null)", "(() => { const o: any = {}; o.self = o; return o; })()",
  "[1, [2, [3]]]", "new Date(0)", "/re/g", "true", "1e300", "-0",
];

/** What scripts throw: every kind of value, Errors of every shape. */
const THROWN = [
  'new Error("plain")', 'new FluxError("EIO", "made up")', 'new TypeError("typed")', '"text"', "42", "{ weird: true }", "null", "undefined",
  'Symbol("thrown")', "7n", "() => 1", "[1, 2]", "Object.create(null)", "{ message: 5 }", 'new Error("")', 'new Error("two\\nlines")',
  "(() => { const o: any = {}; o.self = o; return o; })()", '{ toString() { throw new Error("no string for you"); } }',
];

const KEYS = ['"a"', '"dir.b"', '"x.y.z"', '""', '"."', '"a..b"', '"__proto__"', '"job.0000.0001.data"', '"k" + 1', '"a.b.c.d.e.f"'];
const NUMBERS = ["0", "1", "7", "100", "4096", "65536", "1000000", "-1", "0.5", "2 ** 31"];
/** A count (jobs.submit's n, bytes' n): thousands of jobs take a minute of wall clock and prove nothing of the script's shape. */
const COUNTS = NUMBERS.filter((n) => n !== "4096" && n !== "65536");
const SIZES = ['"1 MiB"', '"64 KiB"', '"10 B"', '"lots"', "0", "100000", "-5", '"0.5 MiB"'];
const VALUES = ["1", '"s"', "true", "null", "[1, 2]", '{ a: 1, b: [2] }', "bytes(100)", "bytes(20000)", '"v".repeat(300)', "-3.5"];

export function fuzzScript(seed: number, members: Member[], txn: Member[]): string {
  const rng = new Prng(seed);
  const chance = (percent: number) => rng.int(0, 99) < percent;
  const pick = <T>(items: readonly T[]): T => items[rng.int(0, items.length - 1)]!;
  const callable = members.filter((m) => m.kind === "method" && !m.path.startsWith("FluxError") && m.path !== "scenario");
  const properties = members.filter((m) => m.kind === "property");

  const valueOf = (p: Param): string => {
    if (chance(22)) return pick(WRONG);
    const literals = [...p.type.matchAll(/"([^"]+)"/g)].map((m) => JSON.stringify(m[1]));
    if (literals.length > 0 && chance(85)) return pick(literals);
    const t = p.type;
    if (t === "KvsValue") return pick(VALUES);
    if (t === "KvsTxn") return txnExpression();
    if (t.includes("string | number")) return pick(SIZES);
    if (t.includes("ScenarioSettings")) return settings();
    if (t.includes("DiskFileInfo")) return pick(['disk.files()[0] ?? "x"', '"fill-1.dat"', '{ name: "content.sqlite" }']);
    if (t.includes("RegExp") && chance(30)) return "/err|crit/";
    if (/Options|\{|Filter/.test(t)) return pick(["{}", "{ sync: true }", "{ append: true, sync: false }", "{ repair: true }", '{ level: "err" }', "{ runtimeMs: 5 }", '{ output: "out" }']);
    if (t.includes("Uint8Array")) return pick(['"data"', "bytes(300)", "bytes(70000)"]);
    if (t.includes("string")) return /ref/i.test(p.name) ? pick(['"sha256-00"', '"not a ref"', "await content.store(\"b\").catch(() => \"x\")"]) : pick(KEYS);
    if (t.includes("number")) return pick(p.name === "n" ? COUNTS : NUMBERS);
    if (t.includes("boolean")) return pick(["true", "false"]);
    return pick([...VALUES, ...WRONG]);
  };

  const argsOf = (m: Member): string => {
    const args: string[] = [];
    for (const p of m.params) {
      if (p.optional && chance(45)) break;
      if (p.rest) {
        for (let n = rng.int(0, 3); n > 0; n--) args.push(pick([...VALUES, ...WRONG]));
        continue;
      }
      args.push(valueOf(p));
    }
    if (chance(5)) args.push(pick(WRONG)); // one too many
    return args.join(", ");
  };

  const txnExpression = (): string => {
    let text = "kvs.txn()";
    for (let n = rng.int(0, 3); n > 0; n--) {
      const m = pick(txn.filter((t) => t.kind === "method"));
      text += `.${m.path}(${argsOf(m)})`;
    }
    return text;
  };

  const settings = (): string =>
    `{ ${[
      chance(60) ? `disk: ${pick([...SIZES, '"256 KiB"', '"2 MiB"'])}` : "",
      chance(60) ? `policy: ${pick([...Object.keys(PRESETS).map((p) => JSON.stringify(p)), '"nope"', '{ preset: "read-only", rc3HoldFreeBytes: 4096 }', "{ failHard: true, rc3HoldFreeBytes: 1 }"])}` : "",
      chance(40) ? `seed: ${pick(["1", "2", "-7", "0.5", '"x"'])}` : "",
    ]
      .filter(Boolean)
      .join(", ")} }`;

  const call = (): string => {
    const m = pick(callable);
    const text = `${m.path}(${argsOf(m)})`;
    if (m.path === "expect") return `${text}.${pick(["toBe(1)", "toEqual({ a: 1 })", "toBeGreaterThan(0)", "toContain(\"a\")", "toMatch(/a/)", "not.toBe(null)"])}`;
    return text;
  };

  const statement = (n: number): string => {
    const roll = rng.int(0, 99);
    if (roll < 4) return `throw ${pick(THROWN)};`;
    if (roll < 7) return "if (disk.quota > 0) return;";
    if (roll < 12) return `log(${pick(properties).path});`;
    if (roll < 15) return `await sim.advance(${pick(["1", "50", "2000", "0", "-1", "NaN", "1e12"])});`;
    if (roll < 45) return `await ${call()};`;
    if (roll < 65) return `try { log(await ${call()}); } catch (e) { log("caught", e instanceof FluxError ? e.errno : typeof e); }`;
    if (roll < 75) return `${call()};`;
    if (roll < 80) return `void ${call()};`;
    if (roll < 85) return `${call()}.catch(() => {});`;
    if (roll < 95) return `const v${n} = await ${call()};\nlog(v${n});`;
    return `Promise.reject(${pick(THROWN)});`;
  };

  const lines: string[] = [];
  if (chance(35)) lines.push(`scenario(${settings()});`);
  if (chance(75)) lines.push("await flux.start();");
  for (let n = rng.int(3, 12); n > 0; n--) lines.push(statement(n));
  return `${lines.join("\n")}\n`;
}
