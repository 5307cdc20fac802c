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

/** strftime "%Y-%m-%d %R". */
const startlogTime = (seconds: number) => new Date(Math.floor(seconds) * 1000).toISOString().slice(0, 16).replace("T", " ");

/** fsd_format_duration_ex(..., 2): Flux Standard Duration at two significant digits (62ms, 30s, 1.5m, 2h, 3d). */
export function fsdDuration(seconds: number): string {
  if (seconds < 0.1 && seconds !== 0) return `${printfG2(seconds * 1000)}ms`;
  if (seconds < 60) return `${printfG2(seconds)}s`;
  if (seconds < 3600) return `${printfG2(seconds / 60)}m`;
  if (seconds < 86400) return `${printfG2(seconds / 3600)}h`;
  return `${printfG2(seconds / 86400)}d`;
}

/** printf's %.2g: two significant digits, trailing zeros dropped, an exponent as e+02. */
function printfG2(x: number): string {
  const text = x.toPrecision(2);
  const [mantissa, exponent] = text.split("e");
  const trimmed = mantissa!.includes(".") ? mantissa!.replace(/\.?0+$/, "") : mantissa!;
  if (exponent === undefined) return trimmed;
  const power = Number(exponent);
  return `${trimmed}e${power < 0 ? "-" : "+"}${String(Math.abs(power)).padStart(2, "0")}`;
}

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

/**
 * What `flux startlog` prints (src/cmd/builtin/startlog.c) for the eventlog `text`, at wall-clock time `now`:
 * one line per run, "2026-11-24 00:00 - 2026-11-24 00:05 (5m)"; a start that follows a start without a finish
 * ends its line "crashed", and a run still going reads "running (30s)". Local time is UTC in the model.
 */
export function startlogLines(text: string, now: number): string[] {
  const lines: string[] = [];
  let open: string | undefined;
  let last = 0;
  for (const line of text.split("\n").filter(Boolean)) {
    const { timestamp, name } = JSON.parse(line) as { timestamp: number; name: string };
    if (name === "start") {
      if (open !== undefined) lines.push(`${open}crashed`);
      open = `${startlogTime(timestamp)} - `;
    } else if (name === "finish" && open !== undefined) {
      lines.push(`${open}${startlogTime(timestamp)} (${fsdDuration(timestamp - last)})`);
      open = undefined;
    }
    last = timestamp;
  }
  if (open !== undefined) lines.push(`${open}running (${fsdDuration(now - last)})`);
  return lines;
}
