/**
 * The editor's TypeScript worker: Monaco's own, plus one check of ours
 * (floating-promises.ts) reported with TypeScript's suggestion diagnostics,
 * so Monaco shows it as a warning squiggle on the same schedule as its own.
 * This replaces monaco-editor's ts.worker entry, which would start the plain
 * worker (its `customWorkerPath` hook needs importScripts, which a module
 * worker does not have).
 */
import { initialize } from "monaco-editor/internal/common/initialize";
import { typescript as ts } from "monaco-editor/languages/features/typescript/lib/typescriptServices";
import { TypeScriptWorker } from "monaco-editor/languages/features/typescript/tsWorker";
import { apiFirst, declaredNames, SCENARIO_GLOBALS_URI } from "./api-first.ts";
import { awaitFixes, FLOATING_PROMISE_CODE, floatingPromises } from "./floating-promises.ts";

class ScenarioTypeScriptWorker extends TypeScriptWorker {
  override async getSuggestionDiagnostics(fileName: string) {
    const own = await super.getSuggestionDiagnostics(fileName);
    const program = this.getLanguageService().getProgram();
    return program ? [...own, ...floatingPromises(ts, program, fileName)] : own;
  }

  /** Ctrl+. (or the light bulb) on the warning offers "Add await". */
  override async getCodeFixesAtPosition(fileName: string, start: number, end: number, errorCodes: number[], formatOptions: unknown) {
    const own = await super.getCodeFixesAtPosition(fileName, start, end, errorCodes, formatOptions);
    const program = errorCodes.includes(FLOATING_PROMISE_CODE) ? this.getLanguageService().getProgram() : undefined;
    return program ? [...own, ...awaitFixes(floatingPromises(ts, program, fileName), fileName, start, end)] : own;
  }

  override async getCompletionsAtPosition(fileName: string, position: number) {
    const info = await super.getCompletionsAtPosition(fileName, position);
    const globals = this.getLanguageService().getProgram()?.getSourceFile(SCENARIO_GLOBALS_URI);
    return info && globals ? apiFirst(info, declaredNames(ts, globals)) : info;
  }
}

// as monaco-editor's ts.worker.js does: the first message starts the worker, the next ones are the host's requests
self.onmessage = () => initialize((ctx, createData) => new ScenarioTypeScriptWorker(ctx, createData));
