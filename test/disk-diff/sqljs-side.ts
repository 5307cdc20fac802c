/** The sql.js side: a sequence's steps on sql.js over the engine's quota FS (src/engine/disk/disk.ts). */
import type { SqlJsWithFS } from "../../src/engine/disk/sqljs-patch.ts";
import { Disk } from "../../src/engine/disk/disk.ts";
import type { StepResult } from "./sequences.ts";

/** The "no limit" size for the unlimited runs that tell SQLite-version differences from filesystem ones. */
export const UNLIMITED = 256 * 1024 * 1024;

let roots = 0;

/** Every file's size as Linux would show it (the quota FS's own accounting, -shm included). */
function sizes(disk: Disk): Record<string, number> {
  return Object.fromEntries(disk.files().map((f) => [f.name, f.bytes]));
}

/** Run every step (a list of statements each); quota 0 means no limit. */
export function runOnSqlJs(sql: SqlJsWithFS, quota: number, steps: string[][]): StepResult[] {
  const disk = new Disk(sql, `/disk-diff-${++roots}/statedir`, quota || UNLIMITED);
  const db = new sql.Database();
  try {
    return steps.map((statements) => {
      for (const statement of statements) {
        try {
          db.exec(statement.replace("$DB", disk.path("content.sqlite")));
        } catch (error) {
          rollBackIfOpen(db);
          return { failed: statement, error: (error as Error).message, sizes: sizes(disk) };
        }
      }
      return { failed: "", error: "", sizes: sizes(disk) };
    });
  } finally {
    db.close();
    disk.dispose();
  }
}

/** A failed statement inside BEGIN leaves the transaction open; python's side rolls it back the same way. */
function rollBackIfOpen(db: { exec(sql: string): unknown }): void {
  try {
    db.exec("ROLLBACK");
  } catch {
    // no transaction was open: SQLite already rolled the statement back
  }
}
