/** Seeded random sequences of SQLite operations, the same for the sql.js side and the native side. */

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

/** mulberry32: small, and the same numbers in every run for a seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHECKPOINT_MODES = ["PASSIVE", "RESTART", "TRUNCATE"] as const;

export function makeSequence(seed: number): Sequence {
  const random = prng(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const blobBytes = () => (random() < 0.7 ? int(16, 4000) : int(4000, 40_000)); // small objects mostly, some spanning overflow pages
  const ops: Op[] = [];
  const steps = int(20, 50);
  for (let i = 0; i < steps; i++) {
    const roll = random();
    if (roll < 0.5) ops.push({ kind: "insert", bytes: blobBytes() });
    else if (roll < 0.65) ops.push({ kind: "txn", bytes: Array.from({ length: int(2, 6) }, blobBytes) });
    else if (roll < 0.77) ops.push({ kind: "delete", rows: int(1, 5) });
    else if (roll < 0.92) ops.push({ kind: "checkpoint", mode: CHECKPOINT_MODES[int(0, 2)] });
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

/** content-sqlite's open, in its order (src/engine/modules/content-sqlite), with secure_delete set the same on both sides. */
export const OPEN_STATEMENTS = [
  "ATTACH '$DB' AS content",
  "PRAGMA content.journal_mode=WAL",
  "PRAGMA content.synchronous=NORMAL",
  "PRAGMA content.locking_mode=EXCLUSIVE",
  "PRAGMA content.secure_delete=ON",
  "PRAGMA content.quick_check",
  "CREATE TABLE IF NOT EXISTS content.t(id INTEGER PRIMARY KEY, v BLOB)",
];

/** What one step did: the first statement that failed and its error ("" when all ran), and every file's size after it. */
export interface StepResult {
  failed: string;
  error: string;
  sizes: Record<string, number>;
}
