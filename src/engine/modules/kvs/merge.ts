/**
 * Transaction merging as flux-core's kvs does it (src/modules/kvs/kvstxn.c
 * kvstxn_mgr_merge_ready_transactions, kvs.c kvstxn_check_root_cb, module
 * option transaction-merge, on by default).
 *
 * When the kvs takes up the next ready transaction, it first folds into it
 * the adjacent ready transactions after it: their operations appended in
 * order, one new root for all of them. Only transactions without
 * FLUX_KVS_SYNC and FLUX_KVS_NO_MERGE merge (SYNC implies NO_MERGE: the
 * checkpoint is of that commit's root), and only with equal flags; since
 * those two are the only commit flags, every mergeable transaction has the
 * same flags (none). The first unmergeable one ends the run: merging past
 * it could reorder writes to the same key. A merged transaction is never
 * merged again, and merging happens only before a transaction starts (once
 * it has stalled, kvs.c no longer offers it to the merge).
 *
 * A merged transaction that fails is not answered as such: its parts are
 * put back at the head of the queue with NO_MERGE and processed one by one
 * (kvstxn_fallback_mergeable), so only the part that caused the failure
 * fails, unless the error is ENOMEM or ENOTSUP (namespace removed).
 */
import type { Message } from "../../sim/bus.ts";
import type { Errno } from "../../sim/errno.ts";
import type { KvsOp } from "./txn.ts";

export interface Transaction {
  /** The commit request it answers; none for an internal or a merged one. */
  readonly msg: Message | undefined;
  readonly ops: KvsOp[];
  /** FLUX_KVS_SYNC: checkpoint the new root before it is published. */
  readonly sync: boolean;
  /** FLUX_KVS_NO_MERGE: never merged with another. */
  readonly noMerge: boolean;
  /** An internal checkpoint (checkpoint-period): no operations, nothing published. */
  readonly internal: boolean;
  /** A merged transaction's parts, in order. */
  readonly parts?: readonly Transaction[];
  /** The blobs this transaction stored (filled in when it stores them). */
  stored?: string[];
}

/**
 * Errors after which a merged transaction is not retried part by part
 * (kvs.c kvstxn_apply). Linux's ENOTSUP is EOPNOTSUPP, so a merged
 * transaction failing on an append to a symlink fails every part, as in Flux.
 */
const NO_FALLBACK: readonly Errno[] = ["ENOMEM", "EOPNOTSUPP"];

function mergeable(txn: Transaction | undefined): txn is Transaction {
  return txn !== undefined && !txn.sync && !txn.noMerge && !txn.internal && txn.parts === undefined;
}

/** Take the next transaction off `queue`, merged with the adjacent mergeable ones after it when `merge` is on. */
export function takeReady(queue: Transaction[], merge: boolean): Transaction | undefined {
  if (!merge || !mergeable(queue[0]) || !mergeable(queue[1])) return queue.shift();
  let count = 2;
  while (mergeable(queue[count])) count++;
  const parts = queue.splice(0, count);
  return { msg: undefined, ops: parts.flatMap((p) => p.ops), sync: false, noMerge: false, internal: false, parts };
}

/** The parts of a failed merged transaction, to be processed one by one, or undefined when it is answered as it is. */
export function fallbackParts(txn: Transaction, errno: Errno): Transaction[] | undefined {
  if (!txn.parts || NO_FALLBACK.includes(errno)) return undefined;
  return txn.parts.map((p) => ({ ...p, noMerge: true }));
}

/** The commit requests a transaction answers. */
export function requestsOf(txn: Transaction): Message[] {
  if (txn.parts) return txn.parts.flatMap(requestsOf);
  return txn.msg ? [txn.msg] : [];
}
