/**
 * KVS eventlogs (RFC 18) as the instance's services write them: one JSON
 * object per line, `{"timestamp":…,"name":…,"context":…}`, appended to a key.
 */
import type { KvsOp } from "../modules/kvs/txn.ts";
import { wallClockSeconds } from "../sim/wallclock.ts";

const encoder = new TextEncoder();

/** One eventlog line (the context is left out when there is none). */
export function eventlogLine(timestamp: number, name: string, context?: object): string {
  return `${JSON.stringify({ timestamp, name, context })}\n`;
}

/** An event's timestamp as job-manager and resource write it: the wall clock at `virtualMs`, to the microsecond. */
export function eventTimestamp(virtualMs: number): number {
  return Math.round(wallClockSeconds(virtualMs) * 1e6) / 1e6;
}

/** A put of `text` at `key`; with `append`, added to the end of what is there (an eventlog). */
export function putText(key: string, text: string, append = false): KvsOp {
  return { op: "put", key, value: encoder.encode(text), ...(append ? { append } : {}) };
}
