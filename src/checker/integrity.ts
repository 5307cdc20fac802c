/** SQLite's own verdict on a running instance's statedir, taken from a copy so the instance is not touched. */
import type { Broker } from "../engine/broker/broker.ts";
import type { SqlJsWithFS } from "../engine/disk/sqljs-patch.ts";

const SQLITE_FILES = ["content.sqlite", "content.sqlite-wal", "content.sqlite-shm"] as const;

/**
 * Open a copy of the statedir's database (and its WAL) in a scratch
 * directory and run PRAGMA integrity_check on it, without touching the
 * instance's own files.
 */
export function integrityOfCopy(sql: SqlJsWithFS, broker: Broker, scratch: string): string {
  return integrityOf(sql, sqliteFilesOf(sql, broker), scratch);
}

/**
 * The checker's integrity checks over one run: a check of files byte for byte the same as the last one checked
 * (ENOSPC after ENOSPC with nothing written between, a third of the checks of a typical sequence) has the last
 * one's verdict, and is not run again.
 */
export class IntegrityWatch {
  private last: { files: Map<string, Uint8Array>; verdict: string } | undefined;

  constructor(
    private readonly sql: SqlJsWithFS,
    private readonly scratch: string,
  ) {}

  verdict(broker: Broker): string {
    const files = sqliteFilesOf(this.sql, broker);
    if (this.last && sameFiles(files, this.last.files)) return this.last.verdict;
    this.last = { files, verdict: integrityOf(this.sql, files, this.scratch) };
    return this.last.verdict;
  }
}

/** The statedir's SQLite files as they are now (copies; only these: the other consumers' files do not matter here). */
function sqliteFilesOf(sql: SqlJsWithFS, broker: Broker): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>();
  for (const name of SQLITE_FILES) if (broker.disk.exists(name)) files.set(name, sql.FS.readFile(broker.disk.path(name)));
  return files;
}

function integrityOf(sql: SqlJsWithFS, files: Map<string, Uint8Array>, scratch: string): string {
  if (!files.has("content.sqlite")) return "ok";
  const fs = sql.FS;
  if (!fs.analyzePath(scratch).exists) fs.mkdirTree(scratch);
  for (const name of SQLITE_FILES) {
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

function sameFiles(a: Map<string, Uint8Array>, b: Map<string, Uint8Array>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, bytes] of a) {
    const other = b.get(name);
    if (!other || other.length !== bytes.length) return false;
    for (let i = 0; i < bytes.length; i++) if (bytes[i] !== other[i]) return false;
  }
  return true;
}
