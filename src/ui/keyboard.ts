/**
 * The page's keyboard rules that more than one panel follows: which keys belong to a field being typed into,
 * and Esc closing a menu or a panel with the focus going back to what opened it.
 */

/** A key pressed here is typed text (the editor, a text field, a menu list), not one of the page's shortcuts. A slider or a checkbox types nothing. */
export function isTextEntry(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || target.matches("input:not([type=checkbox], [type=range]), textarea, select") || !!target.closest(".monaco-editor"));
}

/**
 * Esc closes what `container` is while `isOpen()` says it is open, and the focus goes back to its opener when it
 * was inside (or fell to the body). Listened to at the window before anything else (capture), so that the page's
 * own Esc (Stop a run) does not also act on the key that closed a menu.
 */
function closeOnEscape(container: HTMLElement, isOpen: () => boolean, close: () => void, opener: () => HTMLElement | null | undefined): { destroy(): void } {
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== "Escape" || !isOpen()) return;
    const focus = document.activeElement;
    const hadFocus = !focus || focus === document.body || container.contains(focus);
    e.preventDefault();
    e.stopPropagation();
    close();
    if (hadFocus) opener()?.focus();
  };
  addEventListener("keydown", onKey, true);
  return { destroy: () => removeEventListener("keydown", onKey, true) };
}

/** A `<details>` menu: Esc closes it and gives the focus to its summary. */
export const menuClosesOnEscape = (menu: HTMLDetailsElement) =>
  closeOnEscape(menu, () => menu.open, () => (menu.open = false), () => menu.querySelector("summary"));

/** A panel shown while it is mounted: Esc calls `close` and gives the focus to `opener()`. */
export const panelClosesOnEscape = (panel: HTMLElement, { close, opener }: { close: () => void; opener: () => HTMLElement | undefined }) =>
  closeOnEscape(panel, () => true, close, opener);
