/**
 * The editor's typings are generated from the API source and must be up to
 * date; every playground script must type-check against them (strict), as a
 * user's script does in the page's editor.
 */
import { readFileSync, readdirSync } from "node:fs";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { DTS_OUTPUT, generateDts } from "../src/engine/api/dts.ts";
import { scenarioProgram } from "../src/runner/scenario-program.ts";

const read = (path: string) => readFileSync(path, "utf8");

/** Type-check scenario texts against the generated globals; returns "file:line: message" diagnostics. */
function typecheck(scripts: Record<string, string>): string[] {
  return ts.getPreEmitDiagnostics(scenarioProgram(scripts)).map((d) => {
    const where = d.file ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}` : "";
    return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
}

describe("scenario typings", () => {
  it("are up to date with the API source (run `npm run gen:dts`)", () => {
    expect(read(DTS_OUTPUT)).toBe(generateDts(read));
  });

  it("type-check every playground script and lesson script", () => {
    const scripts = Object.fromEntries(
      ["playground-scripts", "playground-scripts/lessons"].flatMap((dir) =>
        readdirSync(dir)
          .filter((f) => f.endsWith(".ts"))
          .map((f) => [f, read(`${dir}/${f}`)]),
      ),
    );
    expect(typecheck(scripts)).toEqual([]);
  });

  it("catch a type error on its line", () => {
    const diagnostics = typecheck({ "bad.ts": `await flux.start();\nconst n: string = disk.quota;\nawait kvs.put("a", 1, { sink: true });\n` });
    expect(diagnostics).toHaveLength(2);
    expect(diagnostics[0]).toMatch(/bad\.ts:2: Type 'number' is not assignable to type 'string'/);
    expect(diagnostics[1]).toMatch(/bad\.ts:3: .*'sink' does not exist/);
  });
});
