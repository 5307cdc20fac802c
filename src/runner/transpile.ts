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
import { transform } from "sucrase";
// sucrase's own parser, for its tokens and what each identifier is (an access, a declaration, an object key). Its
// public API shows them only as a printed table (getFormattedTokens), and printing it and reading it back took
// 20 times the transform itself (6.6 of 6.9 ms for first.ts, warm, in Node): on every run's path, in the engine's
// worker. A deep import of a pinned version; test/log-sites.test.ts and test/run-errors.test.ts say if it moves.
import { parse } from "sucrase/dist/esm/parser/index.js";
import { IdentifierRole, type Token } from "sucrase/dist/esm/parser/tokenizer/index.js";
import { TokenType } from "sucrase/dist/esm/parser/tokenizer/types.js";
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

/** An insertion into the text, at a character offset. */
interface Edit {
  at: number;
  text: string;
}

/**
 * Mark the throw and log sites (see above). sucrase's tokens tell a keyword or a global from a property, a string
 * or a comment, and a call of `log` from a method named log, a declaration, `log?.()`, `new log()` or `log<T>()`.
 */
function markSites(text: string): string {
  if (!text.includes("throw") && !text.includes("log")) return text;
  const { tokens } = parse(text, false, true, false); // as transform() parses it: TypeScript, no JSX, no Flow
  const lineOf = lineCounter(text);
  const edits: Edit[] = [];
  tokens.forEach((t, i) => {
    if (t.type === TokenType._throw) edits.push({ at: t.end, text: ` ${THROW_SITES}[${lineOf(t.end)}] =` });
    else if (isLogCall(text, tokens, i)) edits.push({ at: t.start, text: `${LOG_SITES}(${lineOf(t.start)}, ` }, { at: t.end, text: ")" });
  });
  return applyEdits(text, edits);
}

function isLogCall(text: string, tokens: readonly Token[], i: number): boolean {
  const t = tokens[i]!;
  const before = tokens[i - 1]?.type;
  return (
    t.type === TokenType.name &&
    t.identifierRole === IdentifierRole.Access &&
    text.slice(t.start, t.end) === "log" &&
    tokens[i + 1]?.type === TokenType.parenL &&
    before !== TokenType.dot &&
    before !== TokenType.questionDot &&
    before !== TokenType._new
  );
}

/** The 1-based line of an offset, for offsets asked in increasing order (tokens come in the text's order). */
function lineCounter(text: string): (offset: number) => number {
  let line = 1;
  let counted = 0;
  return (offset) => {
    for (; counted < offset; counted++) if (text.charCodeAt(counted) === 10) line++;
    return line;
  };
}

/** Insert every edit; lines are never added. */
function applyEdits(text: string, edits: Edit[]): string {
  if (edits.length === 0) return text;
  let out = "";
  let from = 0;
  for (const { at, text: insert } of edits.sort((a, b) => a.at - b.at)) {
    out += text.slice(from, at) + insert;
    from = at;
  }
  return out + text.slice(from);
}
