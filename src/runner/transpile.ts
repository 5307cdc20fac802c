/**
 * Scenario text (TypeScript with top-level await) to a JavaScript function
 * body. sucrase strips types without touching lines, so a line number in an
 * error is a line of the scenario as written.
 *
 * Two kinds of call sites are marked with their line, on the same line:
 * - every `throw`: `throw X` becomes `throw THROW_SITES[line] = X` (same
 *   value), because a thrown value that is not an Error
 *   (`throw { weird: true }`) carries no stack to tell where it came from;
 * - every plain call of `log`: `log(x)` becomes `LOG_SITES(line, log)(x)`,
 *   which calls the same function (the runner's LOG_SITES gives back what it
 *   is given unless it is the API's own log), because a log line's line read
 *   from a captured stack cost more than the rest of the line (a 200 000-line
 *   flood spent 1.6 s of 2.5 s capturing and reading stacks).
 */
import { getFormattedTokens, transform } from "sucrase";
import { LOG_SITES, THROW_SITES } from "./site-names.ts";

export interface TranspileResult {
  js?: string;
  error?: { message: string; line?: number };
}

const OPTIONS = { transforms: ["typescript" as const], disableESTransforms: true, production: true };

export function transpileScenario(text: string): TranspileResult {
  try {
    const { code } = transform(markSites(text), OPTIONS);
    return { js: code };
  } catch (e) {
    const err = e as Error & { loc?: { line: number; column: number } };
    const line = err.loc?.line;
    const message = err.message.replace(/\s*\(\d+:\d+\)\s*$/, "");
    return { error: { message: `syntax error: ${message}`, ...(line ? { line } : {}) } };
  }
}

interface Token {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  label: string;
  raw: string;
  /** sucrase's IdentifierRole; "0" is an access (not a declaration, an object key or a type). */
  role: string;
}

/** An insertion into the text: at (line, column), 1-based as sucrase counts. */
interface Edit {
  line: number;
  column: number;
  text: string;
}

/**
 * Mark the throw and log sites (see above). sucrase's token table (its one
 * public view of the tokens) tells a keyword or a global from a property, a
 * string or a comment, and a call of `log` from a method named log, a
 * declaration, `log?.()`, `new log()` or `log<T>()`.
 */
function markSites(text: string): string {
  if (!text.includes("throw") && !text.includes("log")) return text;
  const tokens = tokenTable(text);
  const edits: Edit[] = [];
  tokens.forEach((t, i) => {
    if (t.label === "throw") edits.push({ line: t.endLine, column: t.endColumn, text: ` ${THROW_SITES}[${t.endLine}] =` });
    else if (isLogCall(tokens, i)) {
      edits.push({ line: t.line, column: t.column, text: `${LOG_SITES}(${t.line}, ` });
      edits.push({ line: t.endLine, column: t.endColumn, text: ")" });
    }
  });
  return applyEdits(text, edits);
}

function isLogCall(tokens: readonly Token[], i: number): boolean {
  const t = tokens[i]!;
  const before = tokens[i - 1]?.label;
  return t.label === "name" && t.raw === "log" && t.role === "0" && tokens[i + 1]?.label === "(" && before !== "." && before !== "?." && before !== "new";
}

/** Rows read "line:col-line:col  label  raw ... identifierRole ...", in columns as wide as the header's. */
function tokenTable(text: string): Token[] {
  const [header = "", ...rows] = getFormattedTokens(text, OPTIONS).split("\n");
  const roleAt = header.indexOf("identifierRole");
  const tokens: Token[] = [];
  for (const row of rows) {
    const m = /^(\d+):(\d+)-(\d+):(\d+)\s+(\S+)\s+(\S*)/.exec(row);
    if (!m) continue;
    const role = roleAt >= 0 ? row.slice(roleAt, roleAt + "identifierRole".length).trim() : "";
    tokens.push({ line: +m[1]!, column: +m[2]!, endLine: +m[3]!, endColumn: +m[4]!, label: m[5]!, raw: m[6]!, role });
  }
  return tokens;
}

/** Insert every edit, last first, so that earlier positions still hold; lines are never added. */
function applyEdits(text: string, edits: Edit[]): string {
  if (edits.length === 0) return text;
  const lines = text.split("\n");
  edits.sort((a, b) => b.line - a.line || b.column - a.column);
  for (const { line, column, text: insert } of edits) {
    const source = lines[line - 1]!;
    lines[line - 1] = source.slice(0, column - 1) + insert + source.slice(column - 1);
  }
  return lines.join("\n");
}
