/**
 * A log() line carries its script line. The transpiler marks plain `log(...)`
 * calls with their line (transpile.ts); every other way of calling log falls
 * back to reading the line from the stack. Both must give the line the call
 * is on, and marking must never change which function is called.
 */
import { describe, expect, it } from "vitest";
import { transpileScenario } from "../src/runner/transpile.ts";
import { run } from "./helpers.ts";

/** The console events of a run: each line's text and script line. */
async function consoleLines(text: string): Promise<[string, number | undefined][]> {
  const r = await run(text);
  expect(r.error).toBeUndefined();
  return r.trace.flatMap((e) => (e.kind === "console" ? [[e.text, e.line] as [string, number | undefined]] : []));
}

describe("log lines", () => {
  it("are on the line of their call, marked or read from the stack", async () => {
    const lines = await consoleLines(
      [
        'log("plain");', // 1
        "for (let i = 0; i < 2; i++) log(`loop ${i}`);", // 2
        "log(", // 3
        '  "a call over two lines");',
        'const say = log; say("an alias");', // 5
        '["as a value"].forEach(log);', // 6
        "async function later(): Promise<void> {",
        "  await sim.advance(1);",
        '  log("after an await, in a function");', // 9
        "}",
        "await later();",
        'log?.("optional");', // 12
        '{ const log = (x: string) => x; log("shadowed: not a log line"); }',
        'log("last");', // 14
      ].join("\n"),
    );
    expect(lines).toEqual([
      ["plain", 1],
      ["loop 0", 2],
      ["loop 1", 2],
      ["a call over two lines", 3],
      ["an alias", 5],
      ['as a value 0 ["as a value"]', 6],
      ["after an await, in a function", 9],
      ["optional", 12],
      ["last", 14],
    ]);
  });

  it("are marked only where a plain call of the global log is written", () => {
    const js = transpileScenario('log(1); console.log(2); obj.log(3); log?.(4); new log(5); const o = { log(x: number) { return x; } }; function log2() {}\nconst s = "log(6)"; // log(7)\n').js!;
    expect(js.match(/__scenarioLogSites\(\d+, log\)/g)).toEqual(["__scenarioLogSites(1, log)"]);
    expect(js.split("\n")).toHaveLength(3); // no line added: errors keep the script's lines
  });
});
