/**
 * The user's drafts, kept in the browser: the text in the editor (restored on reload), and the last 20 texts
 * the editor held before something else replaced them (a link, an example, a file, another draft), so opening
 * a link never loses the user's work.
 */
import type { LinkSettings } from "./link.ts";
import { scenarioTitle } from "./examples.ts";

const LIST_KEY = "flux-enospc-playground:drafts";
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
