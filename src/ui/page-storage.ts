/**
 * The page's one storage (src/share/browser-storage.ts): the browser's localStorage, or memory for this tab where
 * the browser refuses it (an embed in a cross-site frame with its storage blocked). A save that fails is said in
 * the page's storage line (App.svelte listens), never silent.
 */
import { openBrowserStorage, saveItem } from "../share/browser-storage.ts";

export const { storage, unavailable: storageUnavailable } = openBrowserStorage(() => window.localStorage);

const listeners = new Set<(line: string) => void>();

/** Put a line in the page's storage line (a failed save, drafts dropped for room); nothing for undefined or "". */
export function reportStorage(line: string | undefined): void {
  if (line) for (const listener of listeners) listener(line);
}

/** Save one item; a failure is reported. */
export function save(key: string, value: string, what: string): void {
  reportStorage(saveItem(storage, key, value, what));
}

/** Listen to the storage line; returns the function that stops listening. */
export function onStorageLine(listener: (line: string) => void): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}
