/**
 * The scenario API as its own types declare it (src/engine/api/types.ts):
 * every global object, its methods with their parameters' declared types,
 * and its read-only properties. Read with TypeScript's parser, so a method
 * added to the API is fuzzed without anyone touching the fuzzer.
 */
import { readFileSync } from "node:fs";
import ts from "typescript";

export interface Param {
  name: string;
  optional: boolean;
  rest: boolean;
  /** The declared type, as written. */
  type: string;
}

export interface Member {
  /** e.g. "kvs.put", "disk.used", "log" */
  path: string;
  kind: "method" | "property";
  params: Param[];
}

/** The interface of each global (ScenarioGlobals' members), and the interfaces they hand out (KvsTxn). */
export function readApiShape(file = "src/engine/api/types.ts"): { members: Member[]; txn: Member[] } {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const interfaces = new Map<string, ts.InterfaceDeclaration>();
  source.forEachChild((node) => {
    if (ts.isInterfaceDeclaration(node)) interfaces.set(node.name.text, node);
  });
  const membersOf = (name: string, prefix: string): Member[] => {
    const decl = interfaces.get(name);
    if (!decl) throw new Error(`types.ts has no interface ${name}`);
    return decl.members.flatMap((m): Member[] => {
      const key = m.name && ts.isIdentifier(m.name) ? m.name.text : undefined;
      if (!key) return [];
      if (ts.isMethodSignature(m)) return [{ path: `${prefix}${key}`, kind: "method", params: m.parameters.map(paramOf) }];
      if (ts.isPropertySignature(m)) {
        const type = m.type?.getText() ?? "unknown";
        // a global object (flux: FluxApi): its own members
        if (prefix === "" && interfaces.has(type)) return membersOf(type, `${key}.`);
        return [{ path: `${prefix}${key}`, kind: "property", params: [] }];
      }
      return [];
    });
  };
  return { members: membersOf("ScenarioGlobals", ""), txn: membersOf("KvsTxn", "") };
}

function paramOf(p: ts.ParameterDeclaration): Param {
  return { name: p.name.getText(), optional: p.questionToken !== undefined || p.initializer !== undefined, rest: p.dotDotDotToken !== undefined, type: p.type?.getText() ?? "unknown" };
}
