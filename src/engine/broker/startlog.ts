/**
 * `flux startlog` as rc1/rc3 run it: "start" and "finish" events appended to
 * the KVS eventlog admin.eventlog (the start event with FLUX_KVS_SYNC, so
 * every start writes a checkpoint), and the check that the previous run
 * ended with "finish".
 */
import type { Endpoint } from "../sim/bus.ts";
import { type Errno, strerror } from "../sim/errno.ts";
import { wallClockSeconds } from "../sim/wallclock.ts";
import { eventlogLine, putText } from "../common/eventlog.ts";

export const STARTLOG_KEY = "admin.eventlog";
const decoder = new TextDecoder();

type Next = (errno?: Errno, text?: string) => void;

export class Startlog {
  constructor(private readonly h: Endpoint) {}

  postStart(next: Next): void {
    this.post("start", { version: 1, core_version: "0.88.0" }, true, next);
  }

  postFinish(next: Next): void {
    this.post("finish", { version: 1 }, false, next);
  }

  /** rc1's check-clean-shutdown: the event before this start must be "finish" (or there is none). */
  checkCleanShutdown(console: Endpoint, next: Next): void {
    this.h.rpc("kvs.lookup", { key: STARTLOG_KEY }, (r) => {
      if (r.ok) {
        const names = decoder
          .decode(r.payload as Uint8Array)
          .split("\n")
          .filter(Boolean)
          .map((line) => (JSON.parse(line) as { name: string }).name);
        const previous = names.at(-2);
        if (previous !== undefined && previous !== "finish") console.log("info", "rc1.0: Flux was not shut down properly.  Data may have been lost.");
      }
      next();
    });
  }

  private post(name: string, context: object, sync: boolean, next: Next): void {
    const ops = [putText(STARTLOG_KEY, eventlogLine(wallClockSeconds(this.h.now()), name, context), true)];
    this.h.rpc("kvs.commit", { ops, sync }, (r) => {
      if (r.ok) return next();
      next(r.errno, `Error committing ${name} event: ${strerror(r.errno)}`);
    });
  }
}
