/** SQLite's own verdict on a running instance's statedir, taken from a copy so the instance is not touched. */
import type { Broker } from "../engine/broker/broker.ts";
import type { SqlJsWithFS } from "../engine/disk/sqljs-patch.ts";

/**
 * Open a copy of the statedir's database (and its WAL) in a scratch
 * directory and run PRAGMA integrity_check on it, without touching the
 * instance's own files.
 */
export function integrityOfCopy(sql: SqlJsWithFS, broker: Broker, scratch: string): string {
  const fs = sql.FS;
  if (!fs.analyzePath(scratch).exists) fs.mkdirTree(scratch);
  const files = broker.disk.snapshot();
  if (!files.has("content.sqlite")) return "ok";
  for (const name of ["content.sqlite", "content.sqlite-wal", "content.sqlite-shm"]) {
    const path = `${scratch}/${name}`;
    if (fs.analyzePath(path).exists) fs.unlink(path);
    const bytes = files.get(name);
    if (bytes) fs.writeFile(path, bytes);
  }
  const db = new sql.Database();
  try {
    db.exec(`ATTACH '${scratch}/content.sqlite' AS copy`);
    return String(db.exec("PRAGMA copy.integrity_check")[0]?.values[0]?.[0]);
  } finally {
    db.close();
  }
}
