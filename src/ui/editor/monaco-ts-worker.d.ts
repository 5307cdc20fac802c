// The parts of monaco-editor's TypeScript worker that scenario-ts.worker.ts builds on (monaco ships no types for them).
declare module "monaco-editor/internal/common/initialize" {
  export function initialize(create: (ctx: unknown, createData: unknown) => unknown): void;
}
declare module "monaco-editor/languages/features/typescript/lib/typescriptServices" {
  import type * as TS from "typescript";
  export const typescript: typeof TS;
}
declare module "monaco-editor/languages/features/typescript/tsWorker" {
  import type * as TS from "typescript";
  export class TypeScriptWorker {
    constructor(ctx: unknown, createData: unknown);
    getLanguageService(): TS.LanguageService;
    getSuggestionDiagnostics(fileName: string): Promise<TS.Diagnostic[]>;
    getCodeFixesAtPosition(fileName: string, start: number, end: number, errorCodes: number[], formatOptions: unknown): Promise<readonly TS.CodeFixAction[]>;
    getCompletionsAtPosition(fileName: string, position: number): Promise<TS.CompletionInfo | undefined>;
  }
}
