/**
 * The statedir's files as a run left them (the database, its WAL and shared-memory index, the checkpoint
 * database, and a system instance's dumps in dump/), copied before the simulation is disposed, so the page can
 * offer them for download: `sqlite3` sees what Flux would have on disk, and `tar tzf` lists a dump. Filler files of
 * other consumers and the reserve hold nothing to look at, and dump/RESTORE is a link with no bytes of its own.
 */
import type { Broker } from "../engine/broker/broker.ts";

export interface StatedirFile {
  name: string;
  bytes: Uint8Array<ArrayBuffer>;
}

const OWNERS = new Set(["content-sqlite", "checkpoint-db", "content-dump"]);

export function statedirFilesOf(broker: Broker): StatedirFile[] {
  return broker.disk
    .files()
    .filter((f) => OWNERS.has(f.owner) && f.link === undefined)
    .map((f) => ({ name: f.name, bytes: broker.disk.fs.readFile(f.path).slice() as Uint8Array<ArrayBuffer> }));
}
