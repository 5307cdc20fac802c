/**
 * A KVS namespace: its own root, sequence and commit queue (flux-core
 * src/modules/kvs/kvsroot.c struct kvsroot). The primary namespace is the
 * one checkpointed and restored; a guest namespace (job-exec makes one per
 * job, job-exec.c ns_create_and_link) lives in memory only until it is
 * removed, but its commits store blobs in the same content cache as the
 * primary's. Commits queue per namespace: a stuck commit holds only its own.
 */
import type { Transaction } from "./merge.ts";

export const PRIMARY_NAMESPACE = "primary";

export interface KvsRoot {
  rootref: string;
  sequence: number;
}

export interface Namespace {
  readonly name: string;
  root: KvsRoot;
  /** Ready transactions, oldest first (kvstxn_mgr). */
  readonly queue: Transaction[];
  /** The transaction being applied; one at a time, in order. */
  active: Transaction | undefined;
}

export function newNamespace(name: string, root: KvsRoot): Namespace {
  return { name, root, queue: [], active: undefined };
}

/** The commit requests a namespace has waiting or in progress. */
export function transactionsOf(ns: Namespace): Transaction[] {
  return ns.active ? [ns.active, ...ns.queue] : [...ns.queue];
}
