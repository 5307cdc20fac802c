/**
 * Monaco, loaded after the page is usable (it is most of the page's weight).
 * TypeScript with the scenario API's generated .d.ts, so completion, hover
 * docs and red squiggles know flux, kvs, content, disk, jobs, sim.
 * monaco-lean.ts chooses which parts of monaco-editor the page loads.
 */
import type * as Monaco from "./monaco-lean.ts";
import globalsDts from "../engine/api/scenario-globals.generated.d.ts?raw";

export type Editor = Monaco.editor.IStandaloneCodeEditor;
export type MonacoApi = typeof Monaco;

let loading: Promise<MonacoApi> | undefined;

export function loadMonaco(): Promise<MonacoApi> {
  loading ??= load();
  return loading;
}

async function load(): Promise<MonacoApi> {
  const [monaco, { default: EditorWorker }, { default: TsWorker }] = await Promise.all([
    import("./monaco-lean.ts"),
    import("monaco-editor/editor/editor.worker?worker"),
    import("monaco-editor/language/typescript/ts.worker?worker"),
  ]);
  self.MonacoEnvironment = {
    getWorker: (_id: string, label: string) => (label === "typescript" || label === "javascript" ? new TsWorker() : new EditorWorker()),
  };
  const ts = monaco.typescript;
  ts.typescriptDefaults.setCompilerOptions({
    target: ts.ScriptTarget.ESNext,
    module: ts.ModuleKind.ESNext,
    // every scenario is a module, so top-level await is legal
    moduleDetection: 3,
    // the language service takes lib file names, not the command line's short names
    lib: ["lib.esnext.d.ts", "lib.dom.d.ts"],
    strict: true,
    noEmit: true,
  });
  ts.typescriptDefaults.addExtraLib(globalsDts, "file:///scenario-globals.d.ts");
  return monaco;
}

export function createEditor(monaco: MonacoApi, host: HTMLElement, text: string, dark: boolean): Editor {
  const model = monaco.editor.createModel(text, "typescript", monaco.Uri.parse("file:///scenario.ts"));
  return monaco.editor.create(host, {
    model,
    theme: dark ? "vs-dark" : "vs",
    automaticLayout: true,
    minimap: { enabled: false },
    fontSize: 13,
    scrollBeyondLastLine: false,
    // suggestions and hovers near the panel's edge would be cut off by its overflow: hidden
    fixedOverflowWidgets: true,
    tabSize: 2,
  });
}

/** Put a red marker on the line a run failed at (or clear them). */
export function markError(monaco: MonacoApi, editor: Editor, error: { line?: number; message: string } | undefined): void {
  const model = editor.getModel();
  if (!model) return;
  const markers = error?.line
    ? [
        {
          severity: monaco.MarkerSeverity.Error,
          message: error.message,
          startLineNumber: error.line,
          endLineNumber: error.line,
          startColumn: 1,
          endColumn: model.getLineMaxColumn(Math.min(error.line, model.getLineCount())),
        },
      ]
    : [];
  monaco.editor.setModelMarkers(model, "scenario-run", markers);
}
