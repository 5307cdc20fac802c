/**
 * The part of monaco-editor the page uses, instead of `import "monaco-editor"`, which also brings ~80 languages,
 * the css/html/json language services and their workers, the LSP client, the diff editor's contributions and every
 * editor contribution (inline completions, sticky scroll, codelens, inlay hints, colour picker, ...): JavaScript the
 * browser must parse before the editor shows. (vite.config.ts stops the TypeScript mode from importing them all
 * again.) Import paths go through monaco-editor's "exports" map: `monaco-editor/X` is `esm/vs/X.js`.
 */
// TypeScript: the highlighting grammar, and the language service (completion, hover, signature help, diagnostics)
import "monaco-editor/languages/definitions/typescript/register";
import * as typescript from "monaco-editor/languages/features/typescript/register";
// what the editor offers: IntelliSense, hover docs (and the squiggles' messages), parameter hints, find/replace,
// comment toggle, multi-cursor, bracket matching, folding (undo, themes and markers are in the core);
// IntelliSense by its own path, since features/suggest registers only its inline-completions variant
import "monaco-editor/editor/contrib/suggest/browser/suggestController.js";
import "monaco-editor/features/hover/register";
// The hover brings in the code behind quick fixes, Go to Definition and peek views; these two register what their
// links and menu items need (Ctrl+. quick fixes and the light bulb; Peek and Go to References), for 6 KB
import "monaco-editor/features/codeAction/register";
import "monaco-editor/features/referenceSearch/register";
import "monaco-editor/features/parameterHints/register";
import "monaco-editor/features/find/register";
import "monaco-editor/features/comment/register";
import "monaco-editor/features/multicursor/register";
import "monaco-editor/features/bracketMatching/register";
import "monaco-editor/features/folding/register";
// plain editing a user expects of any code editor: Ctrl+←/→/Backspace by word, Alt+↑/↓ moves a line,
// right-click Cut/Copy/Paste (71 KB, 2 % of the editor's JavaScript)
import "monaco-editor/features/wordOperations/register";
import "monaco-editor/features/linesOperations/register";
import "monaco-editor/features/clipboard/register";
import "monaco-editor/features/contextmenu/register";
// Ctrl+M (Ctrl+Shift+M on a Mac): Tab moves the focus instead of indenting, as in VS Code
import "monaco-editor/editor/contrib/toggleTabFocusMode/browser/toggleTabFocusMode.js";

export * from "monaco-editor/editor/editor.api";
export { typescript };
