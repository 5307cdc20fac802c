/**
 * Scenario text (TypeScript with top-level await) to a JavaScript function
 * body. sucrase strips types without touching lines, so a line number in an
 * error is a line of the scenario as written.
 *
 * Every `throw` also records its line: `throw X` becomes
 * `throw THROW_SITES[line] = X` (same value, same line), because a thrown
 * value that is not an Error (`throw { weird: true }`) carries no stack to
 * tell where it came from.
 */
import { getFormattedTokens, transform } from "sucrase";

/** The name the marked `throw`s write their line to (the runner binds it to a fresh recorder per run). */
export const THROW_SITES = "__scenarioThrowSites";

export interface TranspileResult {
  js?: string;
  error?: { message: string; line?: number };
}

const OPTIONS = { transforms: ["typescript" as const], disableESTransforms: true, production: true };

export function transpileScenario(text: string): TranspileResult {
  try {
    const { code } = transform(markThrowSites(text), OPTIONS);
    return { js: code };
  } catch (e) {
    const err = e as Error & { loc?: { line: number; column: number } };
    const line = err.loc?.line;
    const message = err.message.replace(/\s*\(\d+:\d+\)\s*$/, "");
    return { error: { message: `syntax error: ${message}`, ...(line ? { line } : {}) } };
  }
}

/**
 * Insert the line recorder after every `throw` keyword. sucrase's token table
 * (its one public view of the tokens) tells the keyword from a property
 * named "throw", a string or a comment: rows read "line:col-line:col  throw  throw ...".
 */
function markThrowSites(text: string): string {
  if (!text.includes("throw")) return text;
  const ends: { line: number; column: number }[] = [];
  for (const row of getFormattedTokens(text, OPTIONS).split("\n")) {
    const m = /^\d+:\d+-(\d+):(\d+)\s+throw\s/.exec(row);
    if (m) ends.push({ line: Number(m[1]), column: Number(m[2]) });
  }
  if (ends.length === 0) return text;
  const lines = text.split("\n");
  for (const { line, column } of ends.reverse()) {
    const source = lines[line - 1]!;
    lines[line - 1] = `${source.slice(0, column - 1)} ${THROW_SITES}[${line}] =${source.slice(column - 1)}`;
  }
  return lines.join("\n");
}
