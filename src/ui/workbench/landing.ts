/**
 * Where the timeline lands after a run: at the first call that failed (the moment ENOSPC or another errno reached
 * the script, which is what a run is usually about, whether the script expected it or not), else at the end, where
 * an error that is no call's (a failed `expect`, a stuck script) stopped the run.
 */
import type { History } from "../history.ts";

export function landingEvent(h: History): number {
  const events = h.run.events;
  const failed = events.findIndex((e) => e.kind === "api" && e.outcome !== "ok");
  return failed >= 0 ? failed : Math.max(0, events.length - 1);
}
