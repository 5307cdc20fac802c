/**
 * The history of a run still going, so the timeline, the chart, the trees and the messages grow as it streams in.
 * Each rebuild is a pass over the run so far (history.ts) and drawing it costs about as much again, so a rebuild
 * waits at least 250 ms and 8 times as long as the last one took: on a long run the page keeps to about a fifth of
 * the main thread, and Stop and the slider answer at once.
 */
import type { LiveRun } from "./engine-client.ts";
import { historyOf, type History } from "./history.ts";

const MIN_GAP_MS = 250;
const COST_FACTOR = 8;

export class LiveHistory {
  private next = 0;

  /** The history of the run so far, or undefined while the last one is too recent to build another. */
  of(live: LiveRun): History | undefined {
    const started = performance.now();
    if (started < this.next) return undefined;
    const history = historyOf(live.soFar());
    this.next = started + Math.max(MIN_GAP_MS, COST_FACTOR * (performance.now() - started));
    return history;
  }
}
