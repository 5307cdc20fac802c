/**
 * The statedir's SQLite files as a run left them (the database, its WAL and shared-memory index, the checkpoint
 * database), copied before the simulation is disposed, so the page can offer them for download and `sqlite3`
 * sees what Flux would have on disk. Filler files of other consumers and the reserve hold nothing to look at.
 */
import type { Broker } from "../engine/broker/broker.ts";

export interface StatedirFile {
  name: string;
  bytes: Uint8Array<ArrayBuffer>;
}

const SQLITE_OWNERS = new Set(["content-sqlite", "checkpoint-db"]);

export function sqliteFilesOf(broker: Broker): StatedirFile[] {
  return broker.disk
    .files()
    .filter((f) => SQLITE_OWNERS.has(f.owner))
    .map((f) => ({ name: f.name, bytes: broker.disk.fs.readFile(f.path).slice() as Uint8Array<ArrayBuffer> }));
}
