/**
 * What the instance's other rank-0 modules write to the KVS as they load and
 * unload, so that the statedir holds what Flux's does and rc3 writes what
 * Flux's rc3 writes (flux-model.md §13: 10 objects right after the first
 * start; rc3's "failed to checkpoint drain state").
 *
 * - resource, at load (src/modules/resource/inventory.c, reslog.c): commits
 *   resource.R (found in the KVS on a restart: committed again, method
 *   "kvs"; else discovered, method "dynamic-discovery"), then appends the
 *   resource-define event to resource.eventlog. rc1 waits for both here; in
 *   Flux they finish shortly after the module is loaded.
 * - at unload, before the kvs unloads, at the same time as modprobe runs
 *   them: job-manager's restart_save_state (checkpoint.job-manager) and the
 *   resource module's drain_checkpoint (checkpoint.resource, FLUX_KVS_SYNC;
 *   since 0.86, knob resourceDrainCheckpoint).
 *   A failure is logged as the module logs it; neither fails rc3.
 */
import type { Endpoint } from "../sim/bus.ts";
import { type Errno, strerror } from "../sim/errno.ts";
import { wallClockSeconds } from "../sim/wallclock.ts";
import type { KvsOp } from "../modules/kvs/txn.ts";
import type { Knobs } from "../policy/knobs.ts";

const encoder = new TextEncoder();

type Next = (errno?: Errno, text?: string) => void;

/** R of a one-broker instance with the cores of this machine kind (RFC 20). */
const R = { version: 1, execution: { R_lite: [{ rank: "0", children: { core: "0-1" } }], starttime: 0, expiration: 0, nodelist: ["rank0"] } };

export class InstanceServices {
  constructor(
    private readonly resource: Endpoint,
    private readonly jobManager: Endpoint,
    private readonly knobs: Pick<Knobs, "resourceDrainCheckpoint">,
  ) {}

  /** rc1: the resource module's writes at load. */
  load(next: () => void): void {
    this.resource.rpc("kvs.lookup", { key: "resource.R" }, (found) => {
      const method = found.ok ? "kvs" : "dynamic-discovery";
      this.commit(this.resource, [put("resource.R", JSON.stringify(R))], false, "error committing R to KVS", () => {
        const event = { timestamp: this.timestamp(), name: "resource-define", context: { method } };
        this.commit(this.resource, [put("resource.eventlog", `${JSON.stringify(event)}\n`, true)], false, "error posting resource-define event", next);
      });
    });
  }

  /**
   * rc3, before the kvs unloads: job-manager's and the resource module's last
   * checkpoints, sent at once together with `alongside` (the startlog's finish
   * event); `next` gets `alongside`'s outcome once all three are answered.
   */
  unload(alongside: (done: Next) => void, next: Next): void {
    let waiting = this.knobs.resourceDrainCheckpoint ? 3 : 2;
    let outcome: Parameters<Next> = [];
    const one = () => --waiting === 0 && next(...outcome);
    const state = { version: 1, max_jobid: 0, queue: { enable: true, start: true } };
    this.commit(this.jobManager, [put("checkpoint.job-manager", JSON.stringify(state))], false, "restart_save_state", one);
    if (this.knobs.resourceDrainCheckpoint) {
      const drain = { timestamp: this.timestamp(), drain_state: {} };
      this.commit(this.resource, [put("checkpoint.resource", JSON.stringify(drain))], true, "failed to checkpoint drain state", one);
    }
    alongside((...result) => {
      outcome = result;
      one();
    });
  }

  private commit(h: Endpoint, ops: KvsOp[], sync: boolean, failure: string, next: () => void): void {
    h.rpc("kvs.commit", { ops, sync }, (r) => {
      if (!r.ok) h.log("err", `${failure}: ${strerror(r.errno)}`);
      next();
    });
  }

  private timestamp(): number {
    return Math.round(wallClockSeconds(this.resource.now()) * 1e6) / 1e6;
  }
}

function put(key: string, text: string, append = false): KvsOp {
  return { op: "put", key, value: encoder.encode(text), ...(append ? { append } : {}) };
}
