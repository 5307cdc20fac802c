/**
 * Damage to a statedir while the instance is down, for fsck to find (garlick in #6236 asked for ways to inject
 * such states for testing): the blobs of one key's value deleted from content.sqlite, as an admin's
 * `sqlite3 content.sqlite "DELETE FROM objects WHERE hash = ..."` would.
 */
import type { Checkpoint } from "../modules/content-sqlite/content-sqlite.ts";
import { parseKey } from "../modules/kvs/key.ts";
import { decode, dirEntry, type TreeObj } from "../modules/kvs/treeobj.ts";
import type { Endpoint } from "../sim/bus.ts";
import { type Errno, strerror } from "../sim/errno.ts";

type Failure = { errno: Errno; message: string };

/** Delete the blobs of `key`'s value in the newest checkpoint; answers the blobrefs deleted. */
export function deleteValueBlobs(h: Endpoint, key: string, done: (refs: string[] | undefined, failure?: Failure) => void): void {
  h.rpc("content-backing.checkpoint-get", {}, (r) => {
    const latest = r.ok ? (r.payload as { value: Checkpoint[] }).value[0] : undefined;
    if (!latest) return done(undefined, { errno: r.ok ? "ENOENT" : r.errno, message: `no checkpoint to find ${key} in: ${strerror(r.ok ? "ENOENT" : r.errno)}` });
    findEntry(h, latest.rootref, parseKey(key), (entry, failure) => {
      if (failure) return done(undefined, failure);
      if (entry!.type !== "valref") {
        return done(undefined, { errno: "EINVAL", message: `${key} is ${entry!.type === "val" ? "stored inline in its directory: it has no blob of its own" : `a ${entry!.type}, not a value`}` });
      }
      deleteAll(h, entry!.data, (failed) => (failed ? done(undefined, failed) : done(entry!.data)));
    });
  });
}

/** Follow `names` from the root directory blob, loading each directory that is a dirref. */
function findEntry(h: Endpoint, rootref: string, names: string[], done: (entry: TreeObj | undefined, failure?: Failure) => void): void {
  const walk = (obj: TreeObj, i: number): void => {
    if (i === names.length) return done(obj);
    if (obj.type === "dirref") return void load(obj.data[0]!, (loaded) => walk(loaded, i));
    const next = obj.type === "dir" ? dirEntry(obj, names[i]!) : undefined;
    if (!next) return done(undefined, { errno: "ENOENT", message: `${names.join(".")}: No such file or directory` });
    walk(next, i + 1);
  };
  const load = (ref: string, then: (obj: TreeObj) => void) =>
    h.rpc("content-backing.load", ref, (r) => {
      if (!r.ok) return done(undefined, { errno: r.errno, message: `${names.join(".")}: a directory on the way is missing: ${strerror(r.errno)}` });
      then(decode(r.payload as Uint8Array));
    });
  load(rootref, (root) => walk(root, 0));
}

function deleteAll(h: Endpoint, refs: string[], done: (failure?: Failure) => void): void {
  const next = (i: number): void => {
    if (i === refs.length) return done();
    h.rpc("content-sqlite.delete-object", refs[i], (r) => {
      // a blob shared with an earlier one of the same value is gone already
      if (!r.ok && r.errno !== "ENOENT") return done({ errno: r.errno, message: `deleting ${refs[i]}: ${strerror(r.errno)}` });
      next(i + 1);
    });
  };
  next(0);
}
