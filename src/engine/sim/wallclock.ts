/**
 * The simulated wall clock: virtual time 0 is this instant, so checkpoint
 * timestamps and dates in log lines are the same on every run.
 */
export const EPOCH_SECONDS = Date.UTC(2026, 10, 24, 0, 0, 0) / 1000;

export function wallClockSeconds(virtualMs: number): number {
  return EPOCH_SECONDS + virtualMs / 1000;
}

/** flux's timestamp_tostr(): "%Y-%m-%dT%T" in UTC. */
export function formatTimestamp(seconds: number): string {
  return new Date(Math.floor(seconds) * 1000).toISOString().slice(0, 19);
}
