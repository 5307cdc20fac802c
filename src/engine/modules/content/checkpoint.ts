/**
 * content.checkpoint-get / -put on rank 0 (flux-core
 * src/modules/content/checkpoint.c): routed to the backing store. Since
 * 0.77 (#6260) a put first flushes the cache and, if that fails, answers the
 * flush's errno ("error flushing content") and writes nothing.
 */
import type { Endpoint, Message, Response } from "../../sim/bus.ts";
import type { Knobs } from "../../policy/knobs.ts";

export class CheckpointRouting {
  constructor(
    private readonly h: Endpoint,
    private readonly backingLoaded: () => boolean,
    private readonly knobs: Pick<Knobs, "checkpointPutFlushes">,
  ) {}

  serve(): void {
    this.h.serve("content.checkpoint-get", (msg) => this.onGet(msg));
    this.h.serve("content.checkpoint-put", (msg) => this.onPut(msg));
  }

  private onGet(msg: Message): void {
    if (!this.backingLoaded()) return this.h.respondError(msg, "ENOSYS", "checkpoint get unavailable, no backing store");
    this.h.rpc("content-backing.checkpoint-get", msg.payload, (r) => this.relay(msg, r));
  }

  private onPut(msg: Message): void {
    if (!this.backingLoaded()) return this.h.respondError(msg, "ENOSYS", "checkpoint put unavailable, no backing store");
    if (!this.knobs.checkpointPutFlushes) return this.forwardPut(msg);
    this.h.rpc("content.flush", {}, (r) => {
      if (!r.ok) return this.h.respondError(msg, r.errno, "error flushing content");
      this.forwardPut(msg);
    });
  }

  private forwardPut(msg: Message): void {
    this.h.rpc("content-backing.checkpoint-put", msg.payload, (r) => this.relay(msg, r));
  }

  private relay(msg: Message, r: Response): void {
    if (r.ok) this.h.respond(msg, r.payload);
    else this.h.respondError(msg, r.errno, r.errstr);
  }
}
