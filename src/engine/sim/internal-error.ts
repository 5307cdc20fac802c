/**
 * An exception inside the engine (a module's handler, the scheduler) is a bug
 * in the playground, never something a script did: it is caught where the
 * module ran, named after that module, and ends the run with a message that
 * says so, instead of escaping as a bare TypeError from deep inside.
 */
export class InternalError extends Error {
  constructor(
    readonly module: string,
    readonly thrown: unknown,
  ) {
    super(`internal error in ${module}: ${describeThrown(thrown)}`);
    this.name = "InternalError";
  }

  /** `e` as thrown inside `module`: wrapped once, at the innermost module that saw it. */
  static of(module: string, e: unknown): InternalError {
    return e instanceof InternalError ? e : new InternalError(module, e);
  }
}

/** A thrown value as one line: an Error's message, anything else as JSON where it has one (`{"weird":true}`, `42`, `"text"`). */
export function describeThrown(value: unknown): string {
  if (value instanceof Error) return value.message || value.name;
  if (value === undefined) return "undefined";
  if (typeof value === "function") return `a function (${value.name || "anonymous"})`;
  if (typeof value === "symbol" || typeof value === "bigint") return String(value);
  try {
    return firstLine(JSON.stringify(value) ?? String(value));
  } catch {
    return firstLine(String(value));
  }
}

function firstLine(text: string): string {
  const line = text.split("\n")[0]!;
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}
