/**
 * SQLite's result codes and content-sqlite's errno mapping
 * (set_errno_from_sqlite_error). sql.js reports only sqlite3_errmsg(), whose
 * text for each primary code is fixed (sqlite3ErrStr), so the code is
 * recovered from the text.
 */
import type { Errno } from "../../sim/errno.ts";

export interface SqliteError {
  message: string;
  code: number;
  errno: Errno;
}

const BY_MESSAGE: [RegExp, number, Errno][] = [
  [/^database or disk is full/, 13, "ENOSPC"], // SQLITE_FULL
  [/^disk I\/O error/, 10, "EIO"], // SQLITE_IOERR
  [/^out of memory/, 7, "ENOMEM"], // SQLITE_NOMEM
  [/^string or blob too big/, 18, "EFBIG"], // SQLITE_TOOBIG
  [/^attempt to write a readonly database/, 8, "EPERM"], // SQLITE_READONLY
  [/^access permission denied/, 3, "EPERM"], // SQLITE_PERM
  [/^query aborted/, 4, "EPERM"], // SQLITE_ABORT
  [/constraint failed/, 19, "EINVAL"], // SQLITE_CONSTRAINT
  [/^database disk image is malformed/, 11, "EINVAL"], // SQLITE_CORRUPT
  [/^unable to open database file/, 14, "EINVAL"], // SQLITE_CANTOPEN
];

export function sqliteError(e: unknown): SqliteError {
  const message = e instanceof Error ? e.message : String(e);
  const match = BY_MESSAGE.find(([pattern]) => pattern.test(message));
  return { message, code: match?.[1] ?? 1, errno: match?.[2] ?? "EINVAL" };
}
