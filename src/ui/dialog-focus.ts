/** A Svelte action for a dialog's main button: the focus goes to it when the dialog opens, and back where it was when it closes. */
export function focusWhileOpen(node: HTMLElement): { destroy(): void } {
  const before = document.activeElement;
  node.focus();
  return {
    destroy() {
      if (before instanceof HTMLElement && before.isConnected) before.focus();
    },
  };
}
