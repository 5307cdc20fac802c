/** Scenario texts as a TypeScript program against the generated globals, typed as the editor types them. */
import { readFileSync } from "node:fs";
import ts from "typescript";
import { DTS_OUTPUT } from "../engine/api/dts.ts";
import { SCENARIO_LIB, SCENARIO_RUNTIME_DTS } from "../engine/api/scenario-lib.ts";

/** Each script is `/scripts/<name>`. */
export function scenarioProgram(scripts: Record<string, string>): ts.Program {
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    lib: SCENARIO_LIB,
    types: [],
  };
  // appending `export {}` makes each script a module, where top-level await is allowed, without moving its lines
  const virtual = new Map(Object.entries(scripts).map(([name, text]) => [`/scripts/${name}`, `${text}\nexport {};\n`]));
  virtual.set("/scripts/globals.d.ts", readFileSync(DTS_OUTPUT, "utf8"));
  virtual.set("/scripts/runtime.d.ts", SCENARIO_RUNTIME_DTS);
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (name, version, ...rest) =>
    virtual.has(name) ? ts.createSourceFile(name, virtual.get(name)!, version) : getSourceFile.call(host, name, version, ...rest);
  host.fileExists = (name) => virtual.has(name) || ts.sys.fileExists(name);
  host.readFile = (name) => virtual.get(name) ?? ts.sys.readFile(name);
  return ts.createProgram([...virtual.keys()], options, host);
}
