/**
 * What the instance's other rank-0 modules write to the KVS as they load and
 * unload, so that the statedir holds what Flux's does and rc3 writes what
 * Flux's rc3 writes (flux-model.md §13: 10 objects right after the first
 * start; rc3's "failed to checkpoint drain state").
 *
 * - resource, at load (src/modules/resource/resource.c mod_main,
 *   inventory.c, truncate.c, reslog.c): on a restart, resource.R is found in
 *   the KVS and committed again at once, then resource.eventlog is rewritten
 *   (truncated to its history, 90 days: every event stays) with a
 *   synchronous commit; both come before the startlog's "start" event,
 *   which waits for a subprocess. After the slow hwloc discovery: on a first
 *   start resource.R (method "dynamic-discovery"), then the resource-define
 *   event is appended to resource.eventlog (method "kvs" on a restart). So a
 *   first start commits start, R, define (sequences 1–3) and a restart from
 *   checkpoint N commits R, eventlog, start, define (N+1…N+4, the start
 *   event's checkpoint N+3, as measured in flux-model.md §13 C). rc1 waits
 *   for them all here; in Flux they finish shortly after the module loads.
 * - at unload, before the kvs unloads (etc/modprobe/rc3.py, modprobe.toml):
 *   the startlog's finish event is posted while the first modules are
 *   removed, so it reaches the kvs with job-manager's restart_save_state
 *   (checkpoint.job-manager), not after the drain checkpoint; the resource
 *   module is removed only once job-manager has exited, so its
 *   drain_checkpoint (checkpoint.resource, FLUX_KVS_SYNC; since 0.86, knob
 *   resourceDrainCheckpoint) is sent after job-manager's commit is answered.
 *   That order decides §13 C: the finish event's blobs are written back
 *   before the drain checkpoint's flush, so on a disk with no room left the
 *   drain checkpoint's own write-back fails while its flush waits.
 *   A failure is logged as the module logs it; neither fails rc3.
 */
import type { Endpoint } from "../sim/bus.ts";
import { type Errno, strerror } from "../sim/errno.ts";
import type { KvsOp } from "../modules/kvs/txn.ts";
import type { Knobs } from "../policy/knobs.ts";
import { eventlogLine, eventTimestamp, putText } from "../common/eventlog.ts";
import type { JobQueue } from "./job-queue.ts";

type Next = (errno?: Errno, text?: string) => void;

/** R of a one-broker instance with the cores of this machine kind (RFC 20). */
const R = { version: 1, execution: { R_lite: [{ rank: "0", children: { core: "0-1" } }], starttime: 0, expiration: 0, nodelist: ["rank0"] } };

export class InstanceServices {
  constructor(
    private readonly resource: Endpoint,
    private readonly jobManager: Endpoint,
    private readonly knobs: Pick<Knobs, "resourceDrainCheckpoint">,
    private readonly queue: JobQueue,
  ) {}

  /** How resource.R was found at load: in the KVS (a restart), or discovered. */
  private method: "kvs" | "dynamic-discovery" = "dynamic-discovery";

  /** rc1, before the start event: on a restart, resource.R again and resource.eventlog rewritten. */
  loadBeforeStartEvent(next: () => void): void {
    this.resource.rpc("kvs.lookup", { key: "resource.R" }, (found) => {
      if (!found.ok) return next();
      this.method = "kvs";
      this.commitR(() => this.rewriteEventlog(next));
    });
  }

  /** rc1, after the start event: resource.R once discovered (a first start), then the resource-define event. */
  loadAfterStartEvent(next: () => void): void {
    const define = () => {
      const event = eventlogLine(eventTimestamp(this.resource.now()), "resource-define", { method: this.method });
      this.commit(this.resource, [putText("resource.eventlog", event, true)], false, "error posting resource-define event", next);
    };
    if (this.method === "kvs") define();
    else this.commitR(define);
  }

  private commitR(next: () => void): void {
    this.commit(this.resource, [putText("resource.R", JSON.stringify(R))], false, "error committing R to KVS", next);
  }

  /** truncate_eventlog: the eventlog put back whole, with nothing old enough to drop; skipped when there is none. */
  private rewriteEventlog(next: () => void): void {
    this.resource.rpc("kvs.lookup", { key: "resource.eventlog" }, (found) => {
      if (!found.ok) return next();
      this.commit(this.resource, [{ op: "put", key: "resource.eventlog", value: found.payload as Uint8Array }], false, "error truncating resource.eventlog", next);
    });
  }

  /**
   * rc3, before the kvs unloads: `alongside` (the startlog's finish event) and
   * job-manager's last checkpoint at once, then the resource module's drain
   * checkpoint once job-manager's commit is answered (modprobe removes
   * resource after job-manager has exited); `next` gets `alongside`'s outcome
   * once all are answered.
   */
  unload(alongside: (done: Next) => void, next: Next): void {
    let waiting = 2;
    let outcome: Parameters<Next> = [];
    const one = () => --waiting === 0 && next(...outcome);
    alongside((...result) => {
      outcome = result;
      one();
    });
    // queues_save() gives an array of queues; 66 bytes, so a valref as in Flux
    const state = { version: 1, max_jobid: 0, queue: [this.queue.saved()] };
    this.commit(this.jobManager, [putText("checkpoint.job-manager", JSON.stringify(state))], false, "restart_save_state", () => this.drainCheckpoint(one));
  }

  private drainCheckpoint(next: () => void): void {
    if (!this.knobs.resourceDrainCheckpoint) return next();
    const drain = { timestamp: eventTimestamp(this.resource.now()), drain_state: {} };
    this.commit(this.resource, [putText("checkpoint.resource", JSON.stringify(drain))], true, "failed to checkpoint drain state", next);
  }

  private commit(h: Endpoint, ops: KvsOp[], sync: boolean, failure: string, next: () => void): void {
    h.rpc("kvs.commit", { ops, sync }, (r) => {
      if (!r.ok) h.log("err", `${failure}: ${strerror(r.errno)}`);
      next();
    });
  }
}
