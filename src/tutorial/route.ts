/**
 * `#lesson/<n>` or `#lesson/<slug>` (design.md §5) → the lesson's index, or
 * undefined for any other fragment. `#lesson/free-play` is the page after the
 * last lesson (index LESSONS.length). A number out of range or an unknown slug
 * is undefined: the page then says so rather than opening something else.
 */
import { parseRoute } from "../share/route.ts";
import { LESSONS } from "./lessons.ts";

export const FREE_PLAY = "free-play";

/** The page's one reading of its address (share/route.ts) decides whether this is a lesson; this names which. */
export function lessonFromHash(hash: string): number | undefined {
  const route = parseRoute(hash);
  if (route.kind !== "lesson") return undefined;
  const id = route.id;
  if (/^\d+$/.test(id)) return Number(id) >= 1 && Number(id) <= LESSONS.length + 1 ? Number(id) - 1 : undefined;
  if (id === FREE_PLAY) return LESSONS.length;
  const at = LESSONS.findIndex((l) => l.slug === id);
  return at >= 0 ? at : undefined;
}

export const hashOfLesson = (index: number) => `#lesson/${index + 1}`;
