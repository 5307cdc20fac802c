/**
 * The newest checkpoint as the tools that walk it fetch it (fsck.c, dump.c: `kvs_checkpoint_lookup` with
 * KVS_CHECKPOINT_FLAG_CACHE_BYPASS, then `json_array_get (checkpoints, 0)`): straight from content-backing, the
 * first of the list. No checkpoint at all is ENOENT, as an empty list makes those tools fail.
 */
import type { Checkpoint } from "../modules/content-sqlite/content-sqlite.ts";
import type { Endpoint } from "../sim/bus.ts";
import type { Errno } from "../sim/errno.ts";

export type NewestCheckpoint = { ok: true; checkpoint: Checkpoint } | { ok: false; errno: Errno };

export function newestCheckpoint(h: Endpoint, done: (result: NewestCheckpoint) => void): void {
  h.rpc("content-backing.checkpoint-get", {}, (r) => {
    const latest = r.ok ? (r.payload as { value: Checkpoint[] }).value[0] : undefined;
    done(latest ? { ok: true, checkpoint: latest } : { ok: false, errno: r.ok ? "ENOENT" : r.errno });
  });
}
