/**
 * Virtual time each kind of work takes. These shape the timeline (a commit
 * answers long before its blobs reach the disk), not the outcome: no result
 * depends on a race that these numbers decide differently from Flux.
 */
export const COSTS = {
  /** content-sqlite: one statement, plus the bytes it moves at ~200 MB/s. */
  sqliteStatementMs: 0.02,
  sqliteBytesPerMs: 200_000,
  /** content cache: hashing and bookkeeping of one store or load. */
  cacheOpMs: 0.002,
  /** A client (flux kvs, a Python script): building and sending one request. */
  clientRequestMs: 0.11,
  /** kvs: receiving one commit request (decode, queue; later its response). */
  kvsRequestMs: 0.17,
  /** kvs: applying one transaction, plus per blob it creates. */
  kvsTxnMs: 0.005,
  kvsBlobMs: 0.002,
  /** Broker heartbeat period (flux's default heartbeat.period is 2s). */
  heartbeatMs: 2000,
} as const;

export function sqliteCost(bytes: number): number {
  return COSTS.sqliteStatementMs + bytes / COSTS.sqliteBytesPerMs;
}
