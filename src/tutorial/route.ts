/**
 * `#lesson/<n>` or `#lesson/<slug>` (design.md §5) → the lesson's index, or
 * undefined for any other fragment. `#lesson/free-play` is the page after the
 * last lesson (index LESSONS.length). A number out of range or an unknown slug
 * is undefined: the page then says so rather than opening something else.
 * A `#s=` address whose history entry remembers a lesson is that lesson, edited.
 */
import { editedFrom } from "../share/entry.ts";
import { parseRoute } from "../share/route.ts";
import { LESSONS } from "./lessons.ts";

export const FREE_PLAY = "free-play";

/** The page's one reading of its address (share/route.ts) decides whether this is a lesson; this names which. */
export function lessonFromHash(hash: string): number | undefined {
  const route = parseRoute(hash);
  return route.kind === "lesson" ? lessonIndex(route.id) : undefined;
}

/** The lesson a history entry's edited text came from (share/entry.ts), if it was a lesson's. */
export function lessonEditedIn(entryState: unknown): number | undefined {
  const from = editedFrom(entryState)?.from;
  return from?.kind === "lesson" ? lessonIndex(from.id) : undefined;
}

function lessonIndex(id: string): number | undefined {
  if (/^\d+$/.test(id)) return Number(id) >= 1 && Number(id) <= LESSONS.length + 1 ? Number(id) - 1 : undefined;
  if (id === FREE_PLAY) return LESSONS.length;
  const at = LESSONS.findIndex((l) => l.slug === id);
  return at >= 0 ? at : undefined;
}

export const hashOfLesson = (index: number) => `#lesson/${index + 1}`;
