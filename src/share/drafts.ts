/**
 * The user's drafts, kept in the browser: the text in the editor (restored on reload), and the last 20 texts
 * the editor held before something else replaced them (a link, an example, a file, another draft), so opening
 * a link never loses the user's work; and the user's own draft, the text an address with nothing in it shows
 * (design.md §5).
 */
import type { LinkSettings } from "./link.ts";
import { saveItem } from "./browser-storage.ts";
import { scenarioTitle } from "./scenario-literal.ts";

const LIST_KEY = "flux-enospc-playground:drafts";
/** (The tutorial kept the text the reader left for a lesson under this key, as plain text: it is read as such.) */
const OWN_KEY = "flux-enospc-playground:own-draft";
export const MAX_DRAFTS = 20;
/**
 * The drafts list's stored size at most (characters of its JSON). A browser gives an origin about 5 M characters
 * of localStorage; with the editor's text and the own draft (each at most a link's 1 MB) and the tutorial's few
 * bytes beside it, 2 M for the drafts leaves room: six big links in a row no longer fill the store.
 */
export const MAX_DRAFTS_CHARS = 2_000_000;

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

/** The drafts list after keepDraft, and a line for the page when something was dropped or not saved ("" if not). */
export interface KeptDrafts {
  drafts: Draft[];
  note: string;
}

/**
 * Put a text aside (newest first; the same text only once; at most 20 and MAX_DRAFTS_CHARS); the oldest go first
 * when the list is over either bound or the browser's storage is full. The list returned is what is stored: the
 * list as it was when nothing could be saved.
 */
export function keepDraft(storage: Storage, text: string, settings: LinkSettings, time: number): KeptDrafts {
  const stored = loadDrafts(storage);
  const others = stored.filter((d) => d.text !== text);
  if (text.trim() === "") return { drafts: others, note: "" };
  const newest: Draft = { time, title: draftTitle(text), text, settings };
  if (JSON.stringify([newest]).length > MAX_DRAFTS_CHARS) {
    return { drafts: stored, note: `This text was not put among the drafts: it is larger than the drafts may hold (${MAX_DRAFTS_CHARS.toLocaleString("en")} characters).` };
  }
  const list = withinSize([newest, ...others].slice(0, MAX_DRAFTS));
  let failure: string | undefined;
  for (; list.length > 0; list.pop()) {
    failure = saveItem(storage, LIST_KEY, JSON.stringify(list), "the drafts list");
    if (!failure) return { drafts: list, note: droppedNote(others.length + 1 - list.length, others.length + 1) };
  }
  return { drafts: stored, note: `${failure} The text was not put among the drafts; the list is as it was.` };
}

/** The newest drafts whose JSON fits in MAX_DRAFTS_CHARS. */
function withinSize(list: Draft[]): Draft[] {
  let size = 2; // the brackets
  const kept = list.findIndex((d) => (size += JSON.stringify(d).length + 1) > MAX_DRAFTS_CHARS);
  return kept < 0 ? list : list.slice(0, kept);
}

/** The line saying the oldest were dropped for room (those past the count of 20 go as the list says it keeps). */
function droppedNote(dropped: number, candidates: number): string {
  const beyondCount = dropped - Math.max(0, candidates - MAX_DRAFTS);
  if (beyondCount <= 0) return "";
  return `The ${beyondCount === 1 ? "oldest draft was" : `${beyondCount} oldest drafts were`} dropped to make room for this one.`;
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

/** Undefined when saved, else the line to show (the editor keeps working: the text is in the editor and its address). */
export function keepOwnDraft(storage: Storage, text: string, settings: LinkSettings): string | undefined {
  return saveItem(storage, OWN_KEY, JSON.stringify({ text, settings }), "your draft");
}
