/**
 * The history of a run still going, so the timeline, the chart, the trees and the messages grow as it streams in.
 * Each rebuild reads only the events new since the last (history.ts's BlobTimeline), but the chart is redrawn from
 * the whole run so far, so the next rebuild waits at least 250 ms and 8 times as long as the last one took to build
 * and draw (layout and paint come on top): on a long run the page keeps its live views to about a ninth of the main
 * thread, and Stop and the slider answer soon.
 */
import { tick } from "svelte";
import type { LiveRun } from "../engine-client.ts";
import { BlobTimeline, type History } from "../history.ts";

const MIN_GAP_MS = 250;
const COST_FACTOR = 8;

export class LiveHistory {
  private blobs = new BlobTimeline();
  private next = 0;
  private restarts = 0;

  /** The history of the run so far, or undefined while the last one's cost says to wait. */
  of(live: LiveRun): History | undefined {
    const started = performance.now();
    if (live.restarts !== this.restarts) {
      // the run started again: its events are read from the first again
      this.restarts = live.restarts;
      this.blobs = new BlobTimeline();
      this.next = 0;
    }
    if (started < this.next) return undefined;
    this.next = Infinity; // until it is drawn
    const history = this.blobs.grown(live.soFar());
    // the page draws it in this task's microtasks: once that is done, the cost of both is known
    void tick().then(() => (this.next = performance.now() + Math.max(MIN_GAP_MS, COST_FACTOR * (performance.now() - started))));
    return history;
  }
}
