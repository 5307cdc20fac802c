/**
 * What the tutorial remembers in the browser (localStorage): which lessons
 * are done, where the reader is, whether the pane is open, how many hints
 * they have seen and what they guessed. Bad or old data is ignored, never fatal.
 */
import { saveItem } from "../share/browser-storage.ts";

export interface Progress {
  open: boolean;
  /** The lesson shown (an index into LESSONS, LESSONS.length for free play), or null for the lesson list. */
  current: number | null;
  done: string[];
  hints: Record<string, number>;
  guesses: Record<string, string>;
}

const KEY = "flux-enospc-playground:tutorial";
/** A first visit: the pane open on the list of lessons (a fresh object each time: the page mutates it). */
export const newReader = (): Progress => ({ open: true, current: null, done: [], hints: {}, guesses: {} });

export function loadProgress(storage: Pick<Storage, "getItem">): Progress {
  try {
    const saved = JSON.parse(storage.getItem(KEY) ?? "null") as Partial<Progress> | null;
    if (!saved || typeof saved !== "object") return newReader();
    return {
      open: saved.open !== false,
      current: typeof saved.current === "number" ? saved.current : null,
      done: Array.isArray(saved.done) ? saved.done.filter((s) => typeof s === "string") : [],
      hints: saved.hints && typeof saved.hints === "object" ? saved.hints : {},
      guesses: saved.guesses && typeof saved.guesses === "object" ? saved.guesses : {},
    };
  } catch {
    return newReader();
  }
}

/** Undefined when saved, else the line to show. */
export function saveProgress(storage: Storage, progress: Progress): string | undefined {
  return saveItem(storage, KEY, JSON.stringify(progress), "the tutorial's progress");
}
