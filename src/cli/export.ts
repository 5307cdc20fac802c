/**
 * npm run -s export -- FILE [--out TEST.t]   (--help: the options)
 *
 * Writes the scenario as a flux-core sharness test (src/export/). Exit 0: written (to stdout, or to --out);
 * 2: bad input: the script does not type-check, cannot run, fails in the model or makes a call with no Flux
 * counterpart; one line per problem with its line number on stderr, and nothing is written.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import ts from "typescript";
import { oneFile, parseCommandLine, type CommandSpec } from "./command-line.ts";
import { loadSqlJs } from "../engine/disk/sqljs-node.ts";
import { exportScenario } from "../export/export-scenario.ts";
import { scenarioProgram } from "../runner/scenario-program.ts";

const COMMAND: CommandSpec = {
  name: "export",
  positionals: "FILE",
  about:
    "Writes a scenario as a flux-core sharness test (like t/t0090-content-enospc.t) whose steps expect what the model did.\n" +
    "Exit 0: written; 2: bad input (a type error, an unexportable call, ...): one line per problem, nothing written.",
  options: {
    out: { type: "string", value: "FILE.t", help: "write the test here instead of stdout" },
  },
};

const line = parseCommandLine(COMMAND);
const file = oneFile(line, COMMAND);
const text = readFileSync(file, "utf8");
const problems = [...typeErrors(text), ...(await exported())];
if (problems.length > 0) {
  for (const p of problems) process.stderr.write(`${file}: ${p}\n`);
  process.exit(2);
}

async function exported(): Promise<string[]> {
  const result = await exportScenario(text, basename(file), await loadSqlJs());
  if (!result.ok) return result.problems;
  const out = line.text("out");
  if (out === undefined) process.stdout.write(result.test);
  else writeFileSync(out, result.test, { mode: 0o755 });
  return [];
}

/** "line N: message" for each type error, as the page's editor shows them. */
function typeErrors(source: string): string[] {
  const program = scenarioProgram({ "scenario.ts": source });
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName === "/scripts/scenario.ts")
    .map((d) => `line ${d.file!.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
}
