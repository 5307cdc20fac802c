/**
 * Monaco, loaded after the page is usable (it is most of the page's weight).
 * TypeScript with the scenario API's generated .d.ts, so completion, hover
 * docs and red squiggles know flux, kvs, content, disk, jobs, sim.
 * monaco-lean.ts chooses which parts of monaco-editor the page loads.
 */
import type * as Monaco from "./monaco-lean.ts";
import { SCENARIO_LIB, SCENARIO_RUNTIME_DTS } from "../../engine/api/scenario-lib.ts";
import { SCENARIO_GLOBALS_URI } from "./api-first.ts";

export type Editor = Monaco.editor.IStandaloneCodeEditor;
export type MonacoApi = typeof Monaco;

let startLoading: (() => void) | undefined;
const loaded = new Promise<MonacoApi>((resolve, reject) => (startLoading = () => load().then(resolve, reject)));

/** Start loading Monaco (main.ts does, once the page has painted): the first call starts it, every call gets it. */
export function loadMonaco(): Promise<MonacoApi> {
  startLoading?.();
  startLoading = undefined;
  return loaded;
}

/** Monaco once loaded, without starting its load: the page's parts wait for it, the page decides when it starts. */
export const monacoLoaded = (): Promise<MonacoApi> => loaded;

async function load(): Promise<MonacoApi> {
  // the API's typings (24 KB) come with the editor, not in the page's first load
  const [monaco, { default: EditorWorker }, { default: TsWorker }, { default: globalsDts }] = await Promise.all([
    import("./monaco-lean.ts"),
    import("monaco-editor/editor/editor.worker?worker"),
    import("./scenario-ts.worker.ts?worker"),
    import("../../engine/api/scenario-globals.generated.d.ts?raw"),
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
    lib: SCENARIO_LIB,
    strict: true,
    noEmit: true,
  });
  defineThemes(monaco);
  ts.typescriptDefaults.addExtraLib(globalsDts, SCENARIO_GLOBALS_URI);
  ts.typescriptDefaults.addExtraLib(SCENARIO_RUNTIME_DTS, "file:///scenario-runtime.d.ts");
  return monaco;
}

/**
 * Monaco's light and dark themes with the token colours that fell short of WCAG AA (4.5:1) darkened or lightened:
 * measured with axe-core on the page, also on the "now" line's highlight (theme.css).
 */
function defineThemes(monaco: MonacoApi): void {
  monaco.editor.defineTheme("scenario-light", {
    base: "vs",
    inherit: true,
    rules: [
      { token: "comment", foreground: "007000" },
      { token: "number", foreground: "076b47" },
      { token: "type", foreground: "1d6b82" },
    ],
    colors: {},
  });
  monaco.editor.defineTheme("scenario-dark", { base: "vs-dark", inherit: true, rules: [{ token: "comment", foreground: "7fb069" }], colors: {} });
}

export const themeName = (dark: boolean) => (dark ? "scenario-dark" : "scenario-light");

export function createEditor(monaco: MonacoApi, host: HTMLElement, text: string, dark: boolean): Editor {
  const model = monaco.editor.createModel(text, "typescript", monaco.Uri.parse("file:///scenario.ts"));
  return monaco.editor.create(host, {
    model,
    theme: themeName(dark),
    automaticLayout: true,
    minimap: { enabled: false },
    fontSize: 13,
    scrollBeyondLastLine: false,
    // suggestions and hovers near the panel's edge would be cut off by its overflow: hidden
    fixedOverflowWidgets: true,
    tabSize: 2,
    // a line longer than the panel wraps rather than hiding its end (the expected error texts are at the ends)
    wordWrap: "on",
    wrappingIndent: "indent",
    // the last line's number at full strength: dimmed, it fell below AA contrast
    renderFinalNewline: "on",
  });
}

/**
 * Esc then Tab leaves the editor (Tab alone indents): Esc turns on Monaco's "Tab moves focus" for the next key only.
 * Ctrl+M turns that mode on for good, as in VS Code.
 */
export function leaveWithEscapeThenTab(monaco: MonacoApi, editor: Editor): void {
  let armed = false;
  const arm = (on: boolean) => {
    if (armed === on) return;
    armed = on;
    editor.updateOptions({ tabFocusMode: on });
  };
  editor.onKeyDown((e) => {
    if (e.keyCode === monaco.KeyCode.Escape) arm(true);
    else if (e.keyCode !== monaco.KeyCode.Tab && e.keyCode !== monaco.KeyCode.Shift) arm(false);
  });
  editor.onDidBlurEditorText(() => arm(false));
}

/** Put the cursor on a line, in view, and the focus in the editor (after a run that failed there). */
export function focusLine(editor: Editor, line: number): void {
  editor.setPosition({ lineNumber: line, column: 1 });
  editor.revealLineInCenterIfOutsideViewport(line);
  editor.focus();
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
