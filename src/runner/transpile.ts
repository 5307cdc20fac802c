/**
 * Scenario text (TypeScript with top-level await) to a JavaScript function
 * body. sucrase strips types without touching lines, so a line number in an
 * error is a line of the scenario as written.
 */
import { transform } from "sucrase";

export interface TranspileResult {
  js?: string;
  error?: { message: string; line?: number };
}

export function transpileScenario(text: string): TranspileResult {
  try {
    const { code } = transform(text, { transforms: ["typescript"], disableESTransforms: true, production: true });
    return { js: code };
  } catch (e) {
    const err = e as Error & { loc?: { line: number; column: number } };
    const line = err.loc?.line;
    const message = err.message.replace(/\s*\(\d+:\d+\)\s*$/, "");
    return { error: { message: `syntax error: ${message}`, ...(line ? { line } : {}) } };
  }
}
