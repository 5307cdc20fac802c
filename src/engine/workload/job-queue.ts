/**
 * job-manager's queue, as `flux queue enable|disable|status` reaches it
 * (flux-core src/modules/job-manager/queue.c): one anonymous queue, enabled
 * or disabled with a reason. While it is disabled, job-manager refuses every
 * job it is announced (queue_submit_check: EINVAL, "job submission is
 * disabled: <reason>"), but only after job-ingest has committed the job's J
 * and jobspec; job-ingest then commits their removal (job-ingest.c
 * batch_cleanup). So a refused submission still makes two KVS commits.
 *
 * The safe mode of flux-core#6236 (trws, garlick: on ENOSPC "stop/disable
 * queues at least") uses it: the content cache disables the queue at its
 * first write-back that fails for lack of space (knob safeModeOnEnospc).
 */
import type { Endpoint, Message } from "../sim/bus.ts";
import type { QueueStatus } from "../api/types.ts";

export class JobQueue {
  private status: QueueStatus = { enabled: true };
  private h: Endpoint | undefined;

  /**
   * job-manager loads: the queue starts enabled. (Flux restores the state
   * job-manager saved at its last unload, checkpoint.job-manager; the model
   * does not read it back: docs/known-differences.md.)
   */
  load(h: Endpoint): void {
    this.h?.close(); // the last instance's job-manager, if a crash or a failed rc1 left it serving
    this.h = h;
    this.status = { enabled: true };
    h.serve("job-manager.queue-enable", (msg) => this.onEnable(h, msg));
    h.serve("job-manager.queue-status", (msg) => h.respond(msg, { ...this.status }));
  }

  /** The text job-manager answers a submission with while the queue is disabled, or undefined when it is enabled. */
  submitRefusal(): string | undefined {
    return this.status.enabled ? undefined : `job submission is disabled: ${this.status.reason}`;
  }

  /** What job-manager saves of its queue at unload (queues_save). */
  saved(): { enable: boolean; start: boolean; disable_reason?: string } {
    return this.status.enabled ? { enable: true, start: true } : { enable: false, start: true, disable_reason: this.status.reason };
  }

  private onEnable(h: Endpoint, msg: Message): void {
    const { enable, reason } = (msg.payload ?? {}) as { enable?: unknown; reason?: unknown };
    if (typeof enable !== "boolean" || (reason !== undefined && typeof reason !== "string")) return h.respondError(msg, "EPROTO");
    if (!enable && !reason) return h.respondError(msg, "EINVAL", "reason is required for disable");
    this.status = enable ? { enabled: true } : { enabled: false, reason: reason as string };
    h.respond(msg, {});
  }
}
