/**
 * "Now" in the editor: the line of the script call that produced the event
 * the timeline shows, highlighted with a "◀ now" tag at its end. The tag is
 * text injected after the line's last character, so the editor lays the line
 * out around it and it never covers code (a widget floated over wrapped lines).
 * An empty widget is the browser tests' hook: `data-testid="now-line"`, `data-line`.
 */
import type { History } from "../history.ts";
import type { Editor, MonacoApi } from "./monaco.ts";
import type * as Monaco from "./monaco-lean.ts";

const linesByRun = new WeakMap<History, Int32Array>();

/**
 * The script line event `i` belongs to (0: none). A call's `api` event is written when the call ends, after the
 * messages and disk writes it caused, so an event belongs to the next event that carries a line (the call in
 * progress); after the script's last call, to that last call.
 */
export function scriptLineAt(h: History, i: number): number | undefined {
  let lines = linesByRun.get(h);
  if (!lines) linesByRun.set(h, (lines = scriptLines(h)));
  return lines[i] || undefined;
}

function scriptLines(h: History): Int32Array {
  const events = h.run.events;
  const lines = new Int32Array(events.length);
  let next = 0;
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if ((e.kind === "api" || e.kind === "console") && e.line) next = e.line;
    lines[i] = next;
  }
  // the events after the last call that has a line (zeros so far) belong to that call
  let last = 0;
  for (let i = 0; i < events.length; i++) {
    if (lines[i]) last = lines[i]!;
    else lines[i] = last;
  }
  return lines;
}

/** Draws "now" on a line of the editor; call it with the line to mark, or undefined to clear it. */
export function nowLineMarker(monaco: MonacoApi, editor: Editor): (line: number | undefined) => void {
  const highlight = editor.createDecorationsCollection();
  const tag = document.createElement("span");
  tag.dataset.testid = "now-line";
  let shown: number | undefined;
  const widget: Monaco.editor.IContentWidget = {
    getId: () => "scenario.now-line",
    getDomNode: () => tag,
    getPosition: () => {
      const model = editor.getModel();
      if (!shown || !model || shown > model.getLineCount()) return null;
      return { position: { lineNumber: shown, column: model.getLineMaxColumn(shown) }, preference: [monaco.editor.ContentWidgetPositionPreference.EXACT] };
    },
  };
  editor.addContentWidget(widget);
  return (line) => {
    const model = editor.getModel();
    shown = line && model && line <= model.getLineCount() ? line : undefined;
    tag.dataset.line = String(shown ?? "");
    const end = shown && model ? model.getLineMaxColumn(shown) : 1;
    highlight.set(
      shown
        ? [
            { range: new monaco.Range(shown, 1, shown, 1), options: { isWholeLine: true, className: "now-line", linesDecorationsClassName: "now-line-mark" } },
            // (on the line's last character: Monaco drops injected text on an empty range at a line's end)
            { range: new monaco.Range(shown, Math.max(1, end - 1), shown, end), options: { after: { content: "◀ now", inlineClassName: "now-tag" } } },
          ]
        : [],
    );
    editor.layoutContentWidget(widget);
    // follow the timeline, but never pull the view away from someone typing
    if (shown && !editor.hasTextFocus()) editor.revealLineInCenterIfOutsideViewport(shown);
  };
}
