/**
 * The editor's "floating promise" warning (src/ui/editor/floating-promises.ts), run
 * here with the typescript package on the same program the editor builds:
 * an API call whose promise is dropped is reported on its line; awaited,
 * returned, stored, voided and handled ones are not; no playground script
 * has one.
 */
import { readdirSync, readFileSync } from "node:fs";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { awaitFixes, FLOATING_PROMISE_CODE, floatingPromises } from "../src/ui/editor/floating-promises.ts";
import { scenarioProgram } from "../src/runner/scenario-program.ts";

function warnings(text: string): { line: number; text: string }[] {
  const program = scenarioProgram({ "s.ts": text });
  const file = program.getSourceFile("/scripts/s.ts")!;
  return floatingPromises(ts, program, "/scripts/s.ts").map((d) => {
    expect(d.code).toBe(FLOATING_PROMISE_CODE);
    expect(d.category).toBe(ts.DiagnosticCategory.Warning);
    return { line: file.getLineAndCharacterOfPosition(d.start!).line + 1, text: file.text.slice(d.start!, d.start! + d.length!) };
  });
}

describe("floating promises in a scenario", () => {
  it("warns about a dropped API call, on its line and span", () => {
    expect(warnings(`await flux.start();\nkvs.put("a", 1);\nexpect(await kvs.get("a")).toBe(1);\n`)).toEqual([{ line: 2, text: `kvs.put("a", 1)` }]);
  });

  it("offers to add await where the cursor is", () => {
    const text = `await flux.start();\nkvs.put("a", 1);\ncontent.flush();\n`;
    const program = scenarioProgram({ "s.ts": text });
    const found = floatingPromises(ts, program, "/scripts/s.ts");
    const at = text.indexOf("content.flush") + 3;
    const fixes = awaitFixes(found, "/scripts/s.ts", at, at);
    expect(fixes).toHaveLength(1);
    const change = fixes[0]!.changes[0]!.textChanges[0]!;
    expect(text.slice(0, change.span.start) + change.newText + text.slice(change.span.start)).toContain("\nawait content.flush();");
    expect(awaitFixes(found, "/scripts/s.ts", 0, 5)).toEqual([]);
  });

  it("finds them in blocks, loops, functions, conditionals and logical expressions", () => {
    const text = [
      "for (let i = 0; i < 3; i++) { kvs.put(`k${i}`, i); }",
      "async function f() { content.flush(); }",
      "const ok = true;",
      "ok ? sim.settle() : log('no');",
      "ok && flux.shutdown();",
      "expect(content.flush()).rejects.toThrow('ENOSPC');",
      "await f();",
    ].join("\n");
    expect(warnings(text).map((w) => w.line)).toEqual([1, 2, 4, 5, 6]);
  });

  it("accepts awaited, returned, stored, voided and handled promises, and calls that return none", () => {
    const text = [
      "await kvs.put('a', 1);",
      "const p = kvs.put('b', 2);",
      "let q: Promise<unknown>; q = content.flush();",
      "void sim.settle();",
      "content.flush().catch((e) => log(e));",
      "content.flush().then(() => log('ok'), (e) => log(e));",
      "const f = () => kvs.get('a');",
      "async function g() { return kvs.get('a'); }",
      "await Promise.all([p, q, f(), g()]);",
      "flux.crash(); disk.fill(); log('x');",
    ].join("\n");
    expect(warnings(text)).toEqual([]);
  });

  it("finds none in the playground scripts, and costs little next to the type check (figures printed)", () => {
    const dir = "playground-scripts";
    const scripts = Object.fromEntries(readdirSync(dir).filter((f) => f.endsWith(".ts")).map((f) => [f, readFileSync(`${dir}/${f}`, "utf8")]));
    const program = scenarioProgram(scripts);
    let checkMs = 0;
    let walkMs = 0;
    let lines = 0;
    for (const name of Object.keys(scripts)) {
      const fileName = `/scripts/${name}`;
      lines += program.getSourceFile(fileName)!.getLineStarts().length;
      let t = performance.now();
      program.getSemanticDiagnostics(program.getSourceFile(fileName));
      checkMs += performance.now() - t;
      t = performance.now();
      expect(floatingPromises(ts, program, fileName), name).toEqual([]);
      walkMs += performance.now() - t;
    }
    console.log(`floating-promise walk: ${walkMs.toFixed(1)} ms for ${lines} lines in ${Object.keys(scripts).length} scripts (type check of the same: ${checkMs.toFixed(1)} ms)`);
  });
});
