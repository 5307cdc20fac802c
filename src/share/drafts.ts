/**
 * The user's drafts, kept in the browser: the text in the editor (restored on reload), and the last 20 texts
 * the editor held before something else replaced them (a link, an example, a file, another draft), so opening
 * a link never loses the user's work; and the user's own draft, the text an address with nothing in it shows
 * (design.md §5).
 */
import type { LinkSettings } from "./link.ts";
import { scenarioTitle } from "./examples.ts";

const LIST_KEY = "flux-enospc-playground:drafts";
/** (The tutorial kept the text the reader left for a lesson under this key, as plain text: it is read as such.) */
const OWN_KEY = "flux-enospc-playground:own-draft";
export const MAX_DRAFTS = 20;

export interface Draft {
  /** When it was put aside (ms since the epoch). */
  time: number;
  title: string;
  text: string;
  settings: LinkSettings;
}

export function loadDrafts(storage: Storage): Draft[] {
  try {
    const list: unknown = JSON.parse(storage.getItem(LIST_KEY) ?? "[]");
    return Array.isArray(list) ? list.filter(isDraft) : [];
  } catch {
    return []; // a damaged list is dropped rather than breaking the page
  }
}

/** Put a text aside (newest first; the same text only once; at most 20); returns the new list. */
export function keepDraft(storage: Storage, text: string, settings: LinkSettings, time: number): Draft[] {
  const others = loadDrafts(storage).filter((d) => d.text !== text);
  if (text.trim() === "") return others;
  const list = [{ time, title: draftTitle(text), text, settings }, ...others].slice(0, MAX_DRAFTS);
  try {
    storage.setItem(LIST_KEY, JSON.stringify(list));
  } catch {
    // storage full or disabled: the list stays as it was, the editor keeps working
  }
  return list;
}

/** A script's title, else its first comment or line. */
export function draftTitle(text: string): string {
  const line = text.split("\n").find((l) => l.trim() !== "") ?? "(empty)";
  const title = scenarioTitle(text) ?? line.replace(/^\s*\/\/\s*/, "").trim();
  return title.length > 60 ? `${title.slice(0, 57)}…` : title;
}

function isDraft(d: unknown): d is Draft {
  const x = d as Draft;
  return typeof x === "object" && x !== null && typeof x.time === "number" && typeof x.text === "string" && typeof x.title === "string" && typeof x.settings === "object";
}

/**
 * The user's own draft: the last text of theirs the editor held (typed, or opened from a file or the drafts list;
 * not a lesson's, an example's or a link's). Undefined until there is one.
 */
export function loadOwnDraft(storage: Storage): { text: string; settings: LinkSettings } | undefined {
  const stored = storage.getItem(OWN_KEY);
  if (stored === null) return undefined;
  try {
    const own = JSON.parse(stored) as { text?: unknown; settings?: unknown };
    if (typeof own?.text === "string" && typeof own.settings === "object" && own.settings !== null) return { text: own.text, settings: own.settings };
  } catch {
    // the tutorial's plain text, below
  }
  return { text: stored, settings: {} };
}

export function keepOwnDraft(storage: Storage, text: string, settings: LinkSettings): void {
  try {
    storage.setItem(OWN_KEY, JSON.stringify({ text, settings }));
  } catch {
    // storage full or disabled: the editor keeps working, the text is in the editor and its address
  }
}
