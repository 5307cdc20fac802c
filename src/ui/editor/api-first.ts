/**
 * Completion offers the scenario API before the language's own globals: on a blank line Ctrl+Space lists
 * `content`, `disk`, `expect`, `flux`, ... first, then `Array`, `Atomics`, ... (TypeScript ranks every global alike,
 * so they came alphabetically). Runs in the editor's TypeScript worker.
 */
import type * as TS from "typescript";

/** Where monaco.ts puts the generated globals for the language service. */
export const SCENARIO_GLOBALS_URI = "file:///scenario-globals.d.ts";

/** The names a file declares at its top level (`declare const flux`, `declare function log`). */
export function declaredNames(ts: typeof TS, file: TS.SourceFile): Set<string> {
  const names = new Set<string>();
  for (const statement of file.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name) names.add(statement.name.text);
    if (ts.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) if (ts.isIdentifier(d.name)) names.add(d.name.text);
    }
  }
  return names;
}

/** Rank the API's names first: a sortText below TypeScript's own ("11" and up). */
export function apiFirst(info: TS.CompletionInfo, api: Set<string>): TS.CompletionInfo {
  for (const entry of info.entries) if (api.has(entry.name)) entry.sortText = `0${entry.sortText}`;
  return info;
}
