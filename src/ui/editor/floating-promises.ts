/**
 * "No floating promises" for scenario scripts: a call whose promise is neither
 * awaited, returned, stored nor handled (`.catch(...)`, `.then(ok, fail)`)
 * lets the script run on before the call has ended and loses its error (an
 * unawaited `kvs.put("a", 1)` shows up later as "a: No such file or
 * directory"). It runs inside the editor's TypeScript worker, on the program
 * the worker has already built and checked, so it costs one walk of the
 * script's syntax tree and a type lookup per expression statement.
 */
import type * as TS from "typescript";

/** Our diagnostic's code (outside TypeScript's own numbers), shown in the hover as ts(90901). */
export const FLOATING_PROMISE_CODE = 90901;

export function floatingPromises(ts: typeof TS, program: TS.Program, fileName: string): TS.Diagnostic[] {
  const file = program.getSourceFile(fileName);
  if (!file) return [];
  const checker = program.getTypeChecker();

  const isThenable = (type: TS.Type): boolean => {
    if (type.isUnion()) return type.types.some(isThenable);
    const then = checker.getPropertyOfType(type, "then");
    return !!then && checker.getTypeOfSymbol(then).getCallSignatures().length > 0;
  };
  /** `.catch(f)` and `.then(ok, fail)` handle the rejection: the promise they return cannot reject with the call's error. */
  const handlesRejection = (call: TS.CallExpression): boolean =>
    ts.isPropertyAccessExpression(call.expression) &&
    (call.expression.name.text === "catch" || (call.expression.name.text === "then" && call.arguments.length >= 2));
  /** The calls in `expr` whose promise is dropped when `expr` is a statement of its own. */
  const dropped = (expr: TS.Expression): TS.CallExpression[] => {
    while (ts.isParenthesizedExpression(expr)) expr = expr.expression;
    if (ts.isConditionalExpression(expr)) return [...dropped(expr.whenTrue), ...dropped(expr.whenFalse)];
    if (ts.isBinaryExpression(expr) && isLogical(ts, expr.operatorToken.kind)) return dropped(expr.right);
    if (ts.isCallExpression(expr) && !handlesRejection(expr) && isThenable(checker.getTypeAtLocation(expr))) return [expr];
    return [];
  };

  const out: TS.Diagnostic[] = [];
  const visit = (node: TS.Node): void => {
    if (ts.isExpressionStatement(node)) {
      for (const call of dropped(node.expression)) out.push(diagnostic(ts, file, call));
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return out;
}

/** The quick fix for the warnings that touch [start, end): put `await ` in front of the call. */
export function awaitFixes(diagnostics: readonly TS.Diagnostic[], fileName: string, start: number, end: number): TS.CodeFixAction[] {
  return diagnostics
    .filter((d) => d.start! <= end && d.start! + d.length! >= start)
    .map((d) => ({
      fixName: "addAwait",
      description: "Add await",
      changes: [{ fileName, textChanges: [{ span: { start: d.start!, length: 0 }, newText: "await " }] }],
    }));
}

function isLogical(ts: typeof TS, kind: TS.SyntaxKind): boolean {
  return kind === ts.SyntaxKind.AmpersandAmpersandToken || kind === ts.SyntaxKind.BarBarToken || kind === ts.SyntaxKind.QuestionQuestionToken;
}

function diagnostic(ts: typeof TS, file: TS.SourceFile, call: TS.CallExpression): TS.Diagnostic {
  const start = call.getStart(file);
  return {
    // no `file`: the worker sends diagnostics to the page, and a source file does not survive the trip
    file: undefined,
    start,
    length: call.getEnd() - start,
    category: ts.DiagnosticCategory.Warning,
    code: FLOATING_PROMISE_CODE,
    messageText:
      `${call.expression.getText(file)}(…) returns a promise that is neither awaited, returned, stored nor chained: ` +
      "the script runs on before the call has ended, and its error is lost. Add `await`.",
  };
}
