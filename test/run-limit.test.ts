/**
 * The run limit (src/engine/api/run-limit.ts): `scenario({ limit })`, the page's limit box and a link's limit; a bad
 * one is one line and the default, in the CLI as in the page; a run cut at the limit says which limit and how to
 * raise it; an old link (no limit) still opens, with the default.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { COMPUTED, DEFAULT_LIMIT_S, HardStop, MAX_LIMIT_S, parseLimit, raisedLimit, runLimit, THREAD_START_MS, threadStartMessage, writtenLimit } from "../src/engine/api/run-limit.ts";
import { sameSettings, settingsOf } from "../src/share/address.ts";
import { decodeScenario, encodeScenario } from "../src/share/link.ts";
import { scenarioLiteral } from "../src/share/scenario-literal.ts";
import { scriptSettings } from "../src/ui/workbench/script-settings.ts";
import { ENGINE_VERSION } from "../src/version.ts";
import { run } from "./helpers.ts";

const limitOf = (text: string, box = "") => runLimit(box, scriptSettings(text).limit);

describe("reading a limit", () => {
  it("takes seconds as a number or a string with or without its unit", () => {
    expect(parseLimit(60, "x")).toEqual({ seconds: 60 });
    expect(parseLimit("60 s", "x")).toEqual({ seconds: 60 });
    expect(parseLimit("1.5", "x")).toEqual({ seconds: 1.5 });
    expect(parseLimit(" 90seconds ", "x")).toEqual({ seconds: 90 });
    expect(parseLimit(MAX_LIMIT_S, "x")).toEqual({ seconds: MAX_LIMIT_S });
  });

  it("gives one line and the default for what is not a number, not above 0, or above the maximum", () => {
    const cases: [unknown, RegExp][] = [
      ["abc", /^scenario\(\): limit "abc" is not a number of seconds \(write e\.g\. 60 or "60 s"\); the run uses the default 10 s$/],
      ["60 min", /"60 min" is not a number of seconds/],
      [Number.NaN, /NaN is not a number of seconds/],
      [true, /true is not a number of seconds/],
      [-5, /^scenario\(\): limit -5 is not above 0 seconds; the run uses the default 10 s$/],
      ["-5 s", /"-5 s" is not above 0 seconds/],
      [0, /0 is not above 0 seconds/],
      [601, /^scenario\(\): limit 601 is above 600 s, the longest run the page can hold; the run uses the default 10 s$/],
    ];
    for (const [value, line] of cases) {
      const limit = parseLimit(value, "scenario(): limit");
      expect(limit.seconds, String(value)).toBe(DEFAULT_LIMIT_S);
      expect(limit.problem, String(value)).toMatch(line);
    }
  });

  it("comes from the box when set, else the script's literal, else the default", () => {
    const text = `scenario({ disk: "16 MiB", limit: 60 });\nawait flux.start();\n`;
    expect(limitOf(text)).toEqual({ seconds: 60 });
    expect(limitOf(text, " 120 ")).toEqual({ seconds: 120 });
    expect(limitOf(`await flux.start();\n`)).toEqual({ seconds: DEFAULT_LIMIT_S });
    expect(limitOf(`scenario({ limit: "45 s" });\n`)).toEqual({ seconds: 45 });
    expect(limitOf(text, "soon").problem).toMatch(/^the limit box's "soon" is not a number of seconds/);
  });

  it("says a computed limit cannot be read before the run, and uses the default", () => {
    const text = `const big = 60;\nscenario({ limit: big * 2 });\n`;
    expect(writtenLimit(scenarioLiteral(text))).toBe(COMPUTED);
    expect(limitOf(text)).toEqual({ seconds: DEFAULT_LIMIT_S, problem: expect.stringMatching(/must be a literal .* not a computed value; the run uses the default 10 s$/) });
  });

  it("offers a longer limit after a cut run: at least a minute, four times as long, none past the maximum", () => {
    expect(raisedLimit(10)).toBe(60);
    expect(raisedLimit(0.5)).toBe(60);
    expect(raisedLimit(60)).toBe(240);
    expect(raisedLimit(300)).toBe(MAX_LIMIT_S);
    expect(raisedLimit(MAX_LIMIT_S)).toBeUndefined();
  });
});

describe("scenario({ limit })", () => {
  it("is a known setting: a run that names it runs (an unknown key is still refused, naming limit among the known)", async () => {
    expect((await run(`scenario({ limit: 60 });\nawait flux.start();\n`)).ok).toBe(true);
    const refused = await run(`scenario({ limt: 60 });\n`);
    expect(refused.badInput).toBe(true);
    expect(refused.error?.message).toBe(`scenario(): unknown setting "limt"; known: title, disk, policy, seed, limit, instance`);
  });

  it("does not enter the trace: a run that ends by itself has the same hash under any limit", async () => {
    const body = `await flux.start();\nawait kvs.put("a", 1, { sync: true });\n`;
    const plain = await run(`scenario({ disk: "1 MiB" });\n${body}`);
    const limited = await run(`scenario({ disk: "1 MiB", limit: 300 });\n${body}`, { timeLimitMs: 300_000 });
    expect(limited.traceHash).toBe(plain.traceHash);
  });
});

describe("the CLI", () => {
  const dir = mkdtempSync(join(tmpdir(), "run-limit-"));
  const cli = (name: string, text: string) => {
    const file = join(dir, name);
    writeFileSync(file, text);
    return spawnSync(process.execPath, ["--import", "tsx", "src/cli/scenario.ts", file, "--json"], { encoding: "utf8", timeout: 60_000 });
  };

  it("cuts a run at the script's limit and says which limit and how to raise it", () => {
    const r = cli("big.ts", `scenario({ limit: 1 });\nawait flux.start();\nfor (;;) await sim.advance(100);\n`);
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.cutShort).toBe(true);
    expect(out.error.limitMs).toBe(1000);
    expect(out.error.message).toMatch(/^stopped after 1 s of wall-clock time, the run limit; raise it with scenario\(\{ limit: 60 \}\) or --timeout-ms\. A run cut short got as far as this machine's speed let it, so its trace hash cannot be shared as "same result"$/);
  });

  it("says a bad limit in one line on stderr and runs with the default", () => {
    const r = cli("bad.ts", `scenario({ limit: -3 });\nawait flux.start();\nlog("ran");\n`);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe(`${join(dir, "bad.ts")}: scenario(): limit -3 is not above 0 seconds; the run uses the default 10 s\n`);
    expect(JSON.parse(r.stdout).logs).toEqual(["ran"]);
  });
});

describe("the hard stop of a script's thread", () => {
  // the virtual clock of vitest's fake timers: what is tested is the rule, not this machine's speed
  beforeEach(() => vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] }));
  afterEach(() => vi.useRealTimers());

  it("counts the limit from the thread's first word, and fires a grace after it when nothing more was heard (a script that never waits)", () => {
    const fired = vi.fn();
    const stop = new HardStop(1_000, fired);
    stop.threadStarting(5_000);
    vi.advanceTimersByTime(3_000); // the thread's start: SQLite, the engine's code
    stop.heard(); // its first word: the script starts now
    vi.advanceTimersByTime(5_999);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledWith(true);
  });

  it("waits while the other side still sends (a waiting script, only behind), and fires after a grace of silence", () => {
    const fired = vi.fn();
    const stop = new HardStop(1_000, fired);
    stop.scriptStart(5_000);
    for (let t = 0; t < 9_000; t += 400) {
      vi.advanceTimersByTime(400);
      stop.heard();
    }
    expect(fired).not.toHaveBeenCalled(); // 3 s past limit and grace, heard every 0.4 s
    vi.advanceTimersByTime(999);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledWith(true);
  });

  it("gives a thread that is still starting THREAD_START_MS beyond the limit, then says its script never started", () => {
    const fired = vi.fn();
    new HardStop(1_000, fired).threadStarting(1_000);
    vi.advanceTimersByTime(1_000 + THREAD_START_MS + 999);
    expect(fired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fired).toHaveBeenCalledWith(false);
    expect(threadStartMessage("the run's worker")).toBe("the run's worker did not start the script within 30 s of the run limit (a machine this busy cannot run it)");
  });

  it("never fires once cancelled", () => {
    const fired = vi.fn();
    const stop = new HardStop(1_000, fired);
    stop.scriptStart(5_000);
    stop.cancel();
    vi.advanceTimersByTime(60_000);
    expect(fired).not.toHaveBeenCalled();
  });
});

describe("a link's limit", () => {
  it("is carried by a link made with one, and is part of what makes the settings the same", async () => {
    const settings = settingsOf("", "", "", " 60 ");
    expect(settings).toEqual({ limit: "60" });
    const encoded = await encodeScenario({ text: "await flux.start();\n", settings, engineVersion: ENGINE_VERSION });
    const decoded = await decodeScenario(encoded);
    expect(decoded.ok && decoded.scenario.settings).toEqual({ limit: "60" });
    expect(sameSettings(settings, {})).toBe(false);
    expect(sameSettings(settings, { limit: "60" })).toBe(true);
  });

  it("is absent from a link made before the limit existed: that link opens unchanged, its hash with it, and runs with the default", async () => {
    // made by the encoder of main before the limit existed (the wire of a link without a limit did not change)
    const old = "1.lslb4xXIOwqAMBAFwKssr1IIwf8ndvbeIM2qEYOiYCIK4t3FKeeBh4IbzMaH3YOHRusWRRoxdbbVoDds9MYXW0_Tet7SeT588CcEHBRSCMxQiOIkzfKirGruh9FMEDB_y0xGeD8";
    const decoded = await decodeScenario(old);
    expect(decoded).toEqual({ ok: true, scenario: { text: 'scenario({ disk: "1 MiB" });\nawait flux.start();\n', settings: { seed: "3" }, traceHash: "0123456789abcdef", engineVersion: "0.4.0" } });
    if (decoded.ok) expect(runLimit(decoded.scenario.settings.limit ?? "", scriptSettings(decoded.scenario.text).limit)).toEqual({ seconds: DEFAULT_LIMIT_S });
  });
});
