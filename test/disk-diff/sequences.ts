/** Seeded random sequences of SQLite operations, the same for the sql.js side and the native side. */
import { attachStatement, OPEN_PRAGMAS } from "../../src/engine/modules/content-sqlite/content-sqlite.ts";
import { Prng } from "../../src/engine/sim/prng.ts";

export type Op =
  | { kind: "insert"; bytes: number }
  | { kind: "txn"; bytes: number[] }
  | { kind: "delete"; rows: number }
  | { kind: "checkpoint"; mode: "PASSIVE" | "RESTART" | "TRUNCATE" }
  | { kind: "reopen" };

export interface Sequence {
  seed: number;
  quota: number;
  ops: Op[];
}

const CHECKPOINT_MODES = ["PASSIVE", "RESTART", "TRUNCATE"] as const;

export function makeSequence(seed: number): Sequence {
  const prng = new Prng(seed);
  const int = (lo: number, hi: number) => prng.int(lo, hi);
  const percent = () => prng.int(0, 99);
  const blobBytes = () => (percent() < 70 ? int(16, 4000) : int(4000, 40_000)); // small objects mostly, some spanning overflow pages
  const ops: Op[] = [];
  const steps = int(20, 50);
  for (let i = 0; i < steps; i++) {
    const roll = percent();
    if (roll < 50) ops.push({ kind: "insert", bytes: blobBytes() });
    else if (roll < 65) ops.push({ kind: "txn", bytes: Array.from({ length: int(2, 6) }, blobBytes) });
    else if (roll < 77) ops.push({ kind: "delete", rows: int(1, 5) });
    else if (roll < 92) ops.push({ kind: "checkpoint", mode: CHECKPOINT_MODES[int(0, 2)] });
    else ops.push({ kind: "reopen" });
  }
  return { seed, quota: int(24, 160) * 4096, ops };
}

/** The SQL each op runs, as one list of statements (both sides run exactly these). */
export function statementsOf(op: Op): string[] {
  switch (op.kind) {
    case "insert":
      return [`INSERT INTO content.t(v) VALUES (zeroblob(${op.bytes}))`];
    case "txn":
      return ["BEGIN", ...op.bytes.map((b) => `INSERT INTO content.t(v) VALUES (zeroblob(${b}))`), "COMMIT"];
    case "delete":
      return [`DELETE FROM content.t WHERE id IN (SELECT id FROM content.t ORDER BY id LIMIT ${op.rows})`];
    case "checkpoint":
      return [`PRAGMA content.wal_checkpoint(${op.mode})`];
    case "reopen":
      return ["DETACH content", ...OPEN_STATEMENTS];
  }
}

/** content-sqlite's open, in its order (its own pragmas), with secure_delete set the same on both sides and a table of the test's. */
export const OPEN_STATEMENTS = [
  attachStatement("$DB"),
  ...OPEN_PRAGMAS.map(([, statement]) => statement),
  "PRAGMA content.secure_delete=ON",
  "CREATE TABLE IF NOT EXISTS content.t(id INTEGER PRIMARY KEY, v BLOB)",
];

/** What one step did: the first statement that failed and its error ("" when all ran), and every file's size after it. */
export interface StepResult {
  failed: string;
  error: string;
  sizes: Record<string, number>;
}
