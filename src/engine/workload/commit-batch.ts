/**
 * A commit batch as job-ingest and job-manager keep one: the first update
 * opens the batch and starts a timer; every update until the timer fires
 * joins the same KVS transaction, committed once (flux-core
 * src/modules/job-manager/event.c event_batch_start / timer_cb /
 * event_batch_commit, batch_timeout 0.01 s, settable with
 * job-manager.set-batch-timeout; src/modules/job-ingest/job-ingest.c
 * ingest_add_job / batch_timer_cb / batch_flush, batch_timeout 0.01 s).
 * Neither bounds a batch's size: on a busy instance everything that arrives
 * within the window is one commit, so the job directories and every
 * directory above them are rewritten once per window instead of once per
 * event. What waits for the commit (event.c: jobs held by
 * event_batch_add_job and deferred responses; job-ingest: the
 * job-manager.submit announcement) is called back once it is answered.
 */
import type { Endpoint } from "../sim/bus.ts";
import type { Errno } from "../sim/errno.ts";
import type { KvsOp } from "../modules/kvs/txn.ts";

export type Committed = (errno?: Errno) => void;

export class CommitBatch {
  private ops: KvsOp[] | undefined;
  private waiting: Committed[] = [];

  constructor(
    private readonly h: Endpoint,
    private readonly windowMs: number,
  ) {}

  /** Add `ops` to the open batch (opening one if none is), and call `committed` once its commit is answered. */
  add(ops: KvsOp[], committed?: Committed): void {
    if (!this.ops) {
      this.ops = [];
      this.h.timer(this.windowMs, "commit batch", () => this.commit());
    }
    this.ops.push(...ops);
    if (committed) this.waiting.push(committed);
  }

  private commit(): void {
    const ops = this.ops!;
    const waiting = this.waiting;
    this.ops = undefined;
    this.waiting = [];
    this.h.rpc("kvs.commit", { ops }, (r) => {
      for (const committed of waiting) committed(r.ok ? undefined : r.errno);
    });
  }
}
