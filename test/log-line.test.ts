/**
 * A log() line knows the script line that logged it (the console shows it, and a click moves "now" there). The
 * runner reads it from a one-frame stack when the script called log() itself, and from the whole stack otherwise.
 */
import { describe, expect, it } from "vitest";
import { run } from "./helpers.ts";

describe("a log() line", () => {
  it("carries the script's line, however the script called log()", async () => {
    const text = [
      `log("direct");`,
      `["arrow"].forEach((x) => log(x));`,
      `["passed"].forEach(log);`,
      `function nested() {`,
      `  log("nested");`,
      `}`,
      `nested();`,
      `const alias = log;`,
      `alias("alias");`,
    ].join("\n");
    const r = await run(`${text}\n`);
    const lines = r.trace.flatMap((e) => (e.kind === "console" ? [[e.text, e.line]] : []));
    expect(lines).toEqual([
      ["direct", 1],
      ["arrow", 2],
      ['passed 0 ["passed"]', 3],
      ["nested", 5],
      ["alias", 9],
    ]);
  });
});
