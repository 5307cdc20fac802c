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

/** What was thrown inside the engine, as text (engine code throws Errors; anything else is shown as it converts). */
function describeThrown(value: unknown): string {
  if (value instanceof Error) return value.message || value.name;
  try {
    return String(value);
  } catch {
    return "a value with no text";
  }
}
