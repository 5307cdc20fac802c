/**
 * Every parse of untrusted text the page does on its main thread, fed 10,000 generated and mutated inputs each:
 * the script's settings and title (a link's or a half-typed text), the address, a link's data, a history entry's
 * state, what localStorage holds (drafts, the own draft, the tutorial's progress) and the call labels of a run's
 * trace. A parser fails the test if any input makes it throw or take more than PER_INPUT_MS (a frozen tab is a
 * parser that never returns: the test then runs out of time). The slowest input of each is printed.
 *
 * Inputs start from real material (every playground script, real links, real drafts) and from the shapes that
 * broke or slowed the readers (a `)` where a key belongs, 10^4 `scenario({`, unclosed templates, regex classes,
 * deep nesting), then are mutated: characters inserted, deleted, flipped, pieces repeated, cut short.
 */
import { readdirSync, readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { Prng } from "../../src/engine/sim/prng.ts";
import { MemoryStorage } from "../../src/share/browser-storage.ts";
import { draftTitle, keepDraft, keepOwnDraft, loadDrafts, loadOwnDraft } from "../../src/share/drafts.ts";
import { editedFrom } from "../../src/share/entry.ts";
import { scenarioTitle } from "../../src/share/scenario-literal.ts";
import { decodeScenario, encodeScenario } from "../../src/share/link.ts";
import { parseRoute } from "../../src/share/route.ts";
import { loadProgress, newReader, saveProgress } from "../../src/tutorial/progress.ts";
import { lessonEditedIn, lessonFromHash } from "../../src/tutorial/route.ts";
import { getKeyOf, putOf } from "../../src/tutorial/run-facts.ts";
import { scriptSettings } from "../../src/ui/workbench/script-settings.ts";
import { ENGINE_VERSION } from "../../src/version.ts";

const INPUTS = 10_000;
/**
 * Of the process's CPU time, not the wall clock's (8 helpers share 2 cores: wall time there is 5× an idle
 * machine's); generous still: a linear parser takes a few milliseconds at most on these inputs.
 */
const PER_INPUT_MS = 50;
/**
 * Inputs stay under this many characters, so the bound above is about the parser, not the input's size (the readers
 * are linear: about 8 ms per 100,000 characters of the worst shapes on an idle machine; the 1 MB forms of the attacks
 * are timed and printed below, not bounded).
 */
const MAX_INPUT_CHARS = 50_000;

const SCRIPTS = readdirSync("playground-scripts")
  .filter((f) => f.endsWith(".ts"))
  .map((f) => readFileSync(`playground-scripts/${f}`, "utf8"));

/** Pieces of JavaScript that end, open or confuse a reader of `scenario({...})`. */
const PIECES = [
  "scenario({", "scenario(", "})", ")", "]", "}", "{", "(", "[", ",", ":", "...", "=>", "`", "${", "}`", "'", '"', "\\", "\n", "/", "/[", "]/",
  "//", "/*", "*/", "disk:", "seed:", "policy:", "title:", "preset:", '"4 MiB"', "1_048_576", "0x", "1e", "-", "__proto__:", "constructor:",
  "return /", "x / y", "\u2028", "\ud800", "é", "😀", " ", "\t",
];

/** The shapes that froze or slowed the page, at 20 KB (mutations may grow them up to MAX_INPUT_CHARS). */
const ATTACKS = [
  `scenario({ disk: "4 MiB", ) })`,
  `scenario({ ]`,
  "scenario({".repeat(5_000), // 50 KB: the old lazy regex took 65 ms of CPU here (quadratic)
  "scenario({ title: ".repeat(1_000),
  `scenario({${"a:{".repeat(6_000)}`,
  "`${".repeat(6_000),
  "/[".repeat(10_000),
  "'\\".repeat(10_000),
  `scenario({ title: "${"\\".repeat(20_000)}`,
  `scenario({${"/*".repeat(10_000)}`,
  `scenario({ disk: ${"-".repeat(20_000)}1 })`,
  `scenario({ seed: ${"9".repeat(20_000)} })`,
];

/** The attacks at a link's largest size, timed once each for the record (the machine's load decides the figure). */
const ATTACKS_AT_1MB = [
  { name: "scenario({", text: "scenario({".repeat(100_000) },
  { name: "nested {a:", text: `scenario({${"a:{".repeat(330_000)}` },
  { name: "/[", text: "/[".repeat(500_000) },
  { name: "`${", text: "`${".repeat(330_000) },
];

function pick<T>(rng: Prng, list: readonly T[]): T {
  return list[rng.int(0, list.length - 1)]!;
}

/** One random change: insert a piece, delete or repeat a span, flip a character, or cut the text short. */
function mutate(rng: Prng, text: string, pieces: readonly string[]): string {
  const at = rng.int(0, text.length);
  const span = rng.int(1, 64);
  switch (rng.int(0, 5)) {
    case 0:
      return text.slice(0, at) + pick(rng, pieces) + text.slice(at);
    case 1:
      return text.slice(0, at) + text.slice(at + span);
    case 2:
      return text.slice(0, at) + text.slice(at, at + span).repeat(rng.int(2, 200)) + text.slice(at + span);
    case 3:
      return text.slice(0, at) + String.fromCharCode(rng.int(0, 0xffff)) + text.slice(at + 1);
    case 4:
      return text.slice(0, at);
    default:
      return pick(rng, pieces).repeat(rng.int(1, 2000)) + text.slice(at);
  }
}

/** `count` inputs: generated from the pieces, or real material and attacks mutated a few times. */
function inputs(seed: number, material: readonly string[], pieces: readonly string[], count = INPUTS): string[] {
  const rng = new Prng(seed);
  const out: string[] = [];
  for (let n = 0; n < count; n++) {
    let text = rng.int(0, 3) === 0 ? Array.from({ length: rng.int(0, 60) }, () => pick(rng, pieces)).join(" ") : pick(rng, material);
    for (let m = rng.int(0, 4); m > 0; m--) text = mutate(rng, text, pieces);
    out.push(text.slice(0, MAX_INPUT_CHARS));
  }
  return out;
}

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

/** The slowest input of each parser, printed at the end. */
const slowest: Record<string, number> = {};

/**
 * A slow input is timed up to this many times, its fastest counted: a garbage collection's pause (measured: 20 ms
 * of CPU on an input that takes 2 ms when timed again) is not the parser's; a slow parser is slow every time.
 */
const TRIES = 5;

/** Run the parser on every input: none may throw or take longer than PER_INPUT_MS; `check` judges each answer. */
async function fuzz<T>(
  name: string,
  all: readonly string[],
  parse: (input: string) => T | Promise<T>,
  check: (answer: T, input: string) => void,
  boundMs = PER_INPUT_MS,
): Promise<void> {
  let max = 0;
  for (const input of all) {
    let answer: T;
    let ms = Infinity;
    for (let tries = 0; tries < TRIES && ms >= boundMs; tries++) {
      const started = process.cpuUsage();
      try {
        answer = await parse(input);
      } catch (e) {
        expect.fail(`${name} threw ${String(e)} on ${JSON.stringify(input.slice(0, 200))}`);
      }
      ms = Math.min(ms, cpuMs(started));
    }
    max = Math.max(max, ms);
    expect(ms, `${name} took ${ms.toFixed(1)} ms on ${JSON.stringify(input.slice(0, 200))} (${input.length} characters)`).toBeLessThan(boundMs);
    check(answer!, input);
  }
  slowest[name] = max;
}

afterAll(() => {
  for (const attack of ATTACKS_AT_1MB) {
    const started = process.cpuUsage();
    scriptSettings(attack.text);
    slowest[`scriptSettings, 1 MB of ${attack.name}`] = cpuMs(started);
  }
  const lines = Object.entries(slowest).map(([name, ms]) => `  ${name.padEnd(34)} slowest input ${ms.toFixed(2)} ms`);
  console.log(`main-thread parsers, ${INPUTS.toLocaleString("en")} inputs each (bound ${PER_INPUT_MS} ms of CPU time, the link decoder 150 ms):\n${lines.join("\n")}`);
});

const SETTINGS_KEYS = new Set(["policy", "knobs", "knobValues", "disk", "seed"]);
const TEXTS = [...SCRIPTS, ...ATTACKS];

describe("main-thread parsers of untrusted text, fuzzed", () => {
  it("the settings reader (scriptSettings) answers settings of the right types", async () => {
    await fuzz("scriptSettings", inputs(1, TEXTS, PIECES), scriptSettings, (settings) => {
      for (const [key, value] of Object.entries(settings)) {
        expect(SETTINGS_KEYS.has(key), key).toBe(true);
        if (key === "knobValues") {
          for (const knob of Object.values(value as object)) expect(["string", "number", "boolean"], key).toContain(typeof knob);
          continue;
        }
        expect(typeof value, key).toBe(key === "seed" ? "number" : key === "knobs" ? "boolean" : "string");
      }
    });
  });

  it("the title readers (scenarioTitle, draftTitle) answer a string or nothing", async () => {
    await fuzz("scenarioTitle", inputs(2, TEXTS, PIECES), scenarioTitle, (title) => expect(["string", "undefined"]).toContain(typeof title));
    await fuzz("draftTitle", inputs(3, TEXTS, PIECES), draftTitle, (title) => expect(title.length).toBeLessThanOrEqual(60));
  });

  it("the address readers (parseRoute, lessonFromHash) answer a route, with a short reason when bad", async () => {
    const hashes = ["#", "#s=1.abc", "#example/first", "#lesson/1", "#lesson/free-play", "#example/%E0%A4%A", `#lesson/${"9".repeat(400)}`, "#s=", "#example/../x"];
    const pieces = ["#", "s=", "/", "%", "%E0", "%25", "example", "lesson", ".", "..", "\u0000", "é", "😀", "?", "&", "="];
    await fuzz("parseRoute", inputs(4, hashes, pieces), parseRoute, (route) => {
      if (route.kind === "bad") expect(route.reason.length + route.quoted.length).toBeLessThan(200);
    });
    await fuzz("lessonFromHash", inputs(5, hashes, pieces), lessonFromHash, (index) => expect(["number", "undefined"]).toContain(typeof index));
  });

  it("the link decoder (decodeScenario) opens or refuses every mutated link in one sentence", async () => {
    const links = await Promise.all(SCRIPTS.slice(0, 12).map((text, n) => encodeScenario({ text, settings: n % 2 ? { seed: "3" } : {}, traceHash: "ab".repeat(8), engineVersion: ENGINE_VERSION })));
    const alphabet = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", "1.", ".", "=", "%", "+", "/"];
    // its work is bounded by what a link may decode to (1 MB: inflated, checksummed, parsed), not by the input's size
    const decodeBoundMs = 150;
    await fuzz("decodeScenario", inputs(6, links, alphabet), decodeScenario, (result) => {
      if (!result.ok) expect(result.reason).toMatch(/^This link cannot be opened: [^\n]+[.?]$/);
    }, decodeBoundMs);
  });

  it("a history entry's state (editedFrom, lessonEditedIn) reads as something remembered or nothing", async () => {
    const states = [
      { editedFrom: { kind: "lesson", id: "1", text: "log(1);", settings: {} } },
      { editedFrom: { kind: "link", fragment: "#s=1.abc", scenario: { text: "x", settings: {}, engineVersion: "0.4.0" } } },
      { editedFrom: "own draft", other: [1, 2, { a: null }] },
    ].map((state) => JSON.stringify(state));
    const pieces = ["{", "}", "[", "]", ",", ":", '"', "null", "true", "1e999", '"kind"', '"lesson"', '"link"', '"editedFrom"', '"__proto__"', '"text"', '"settings"'];
    const asState = (input: string): unknown => {
      try {
        return JSON.parse(input); // the browser's structured clone of what a page wrote: JSON values reach it
      } catch {
        return input;
      }
    };
    await fuzz("editedFrom", inputs(7, states, pieces), (input) => editedFrom(asState(input)), (read) => expect(["object", "undefined"]).toContain(typeof read));
    await fuzz("lessonEditedIn", inputs(8, states, pieces), (input) => lessonEditedIn(asState(input)), (index) => expect(["number", "undefined"]).toContain(typeof index));
  });

  it("what localStorage holds (drafts, own draft, tutorial progress) loads as valid data, or as nothing", async () => {
    const storage = new MemoryStorage();
    for (const [n, text] of SCRIPTS.slice(0, 5).entries()) keepDraft(storage, text, { seed: String(n) }, n);
    keepOwnDraft(storage, SCRIPTS[0]!, { disk: "4 MiB" });
    saveProgress(storage, { ...newReader(), current: 2, done: ["the-stack"], hints: { "the-stack": 1 } });
    const stored = (key: string) => storage.getItem(`flux-enospc-playground:${key}`)!;
    const pieces = ["{", "}", "[", "]", ",", ":", '"', "null", "1", '"time"', '"text"', '"settings"', '"title"', '"__proto__"', '"done"', '"hints"', "\\u0000"];
    const loadFrom = (key: string, load: (s: Storage) => unknown) => (input: string) => {
      const s = new MemoryStorage();
      s.setItem(`flux-enospc-playground:${key}`, input);
      return load(s);
    };
    await fuzz("loadDrafts", inputs(9, [stored("drafts")], pieces), loadFrom("drafts", loadDrafts), (drafts) => {
      for (const d of drafts as ReturnType<typeof loadDrafts>) expect(typeof d.text + typeof d.title + typeof d.time).toBe("stringstringnumber");
    });
    await fuzz("loadOwnDraft", inputs(10, [stored("own-draft")], pieces), loadFrom("own-draft", loadOwnDraft), (own) => {
      expect(typeof (own as ReturnType<typeof loadOwnDraft>)?.text).toBe("string");
    });
    await fuzz("loadProgress", inputs(11, [stored("tutorial")], pieces), loadFrom("tutorial", loadProgress), (progress) => {
      const p = progress as ReturnType<typeof loadProgress>;
      expect(Array.isArray(p.done) && p.done.every((s) => typeof s === "string")).toBe(true);
      expect(p.current === null || typeof p.current === "number").toBe(true);
    });
  });

  it("a run's call labels (putOf, getKeyOf: the tutorial's goals) read a key or nothing", async () => {
    const labels = ['kvs.put("a.b", sync)', 'kvs.put("x\\"y")', 'kvs.get("k")', `kvs.get("${"\\".repeat(2000)}")`];
    const pieces = ['"', "\\", "kvs.put(", "kvs.get(", ", sync", ")", "\\u12", "\n"];
    await fuzz("putOf", inputs(12, labels, pieces), putOf, (put) => expect(["object", "undefined"]).toContain(typeof put));
    await fuzz("getKeyOf", inputs(13, labels, pieces), getKeyOf, (key) => expect(["string", "undefined"]).toContain(typeof key));
  });
});
