/**
 * The benches' workloads: the scenarios `npm run bench` times (each logs its
 * figures as JSON on its last line, `ms` among them) and the floor's raw
 * inserts, shared by bench/engine-bench.ts (wall and CPU time) and
 * bench/instructions-workload.ts (instruction counts).
 */
import { Disk } from "../src/engine/disk/disk.ts";
import type { SqlJsWithFS } from "../src/engine/disk/sqljs-patch.ts";
import { blobref } from "../src/engine/common/blobref.ts";
import { lz4Compress, lz4Decompress } from "../src/engine/common/lz4.ts";
import { COMPRESSION_THRESHOLD, SQL } from "../src/engine/modules/content-sqlite/content-sqlite.ts";

// FLUIDs of jobs submitted 10 ms apart, as job.<dothex> keys: the directory spread of a Flux job KVS.
const dothex = `const dothex = (i: number) => { const h = ((BigInt(i * 10) << 24n) | BigInt(i & 0x3ff)).toString(16).padStart(16, "0");
  return h.slice(0, 4) + "." + h.slice(4, 8) + "." + h.slice(8, 12) + "." + h.slice(12); };`;

/** The page bench's big run (about 56 000 trace events): 2,150 unsynced puts of 300 bytes to 40 directories. */
export const BIG_RUN = `await flux.start();\nfor (let i = 0; i < 2150; i++) await kvs.put("job.k" + (i % 40) + ".v" + i, bytes(300));\nawait sim.settle();\n`;

/** The page bench's scrub run (about 14 000 trace events): 700 unsynced puts of 300 bytes to 40 directories. */
export const SCRUB_RUN = `await flux.start();\nfor (let i = 0; i < 700; i++) await kvs.put("job.k" + (i % 40) + ".v" + i, bytes(300));\nawait sim.settle();\n`;

/** Unsynced puts of 1 KiB values to job-id keys, until the cache is clean. */
export const putsText = (puts: number) => `scenario({ disk: "256 MiB" });
await flux.start();
${dothex}
const t0 = performance.now();
for (let i = 0; i < ${puts}; i++) await kvs.put("job." + dothex(i) + ".data", bytes(1024));
await sim.settle();
log(JSON.stringify({ ms: performance.now() - t0 }));`;

/** flux-model.md §13 B: one-key commits to one directory, in flight at once. */
export const asyncCommitsText = (commits: number) => `scenario({ disk: "256 MiB" });
await flux.start();
const before = (await kvs.getroot()).sequence;
const t0 = performance.now();
await Promise.all(Array.from({ length: ${commits} }, (_, i) => kvs.put("dir.k" + i, i)));
const ms = performance.now() - t0;
log(JSON.stringify({ ms, advanced: (await kvs.getroot()).sequence - before }));`;

/** t0090-content-enospc.ts: jobs one at a time until dmesg shows ENOSPC. */
export const t0090Text = (quotaMib: number) => `scenario({ disk: "${quotaMib} MiB" });
await flux.start();
const t0 = performance.now();
let jobsRun = 0;
while (flux.dmesg("No space left on device").length === 0) {
  await jobs.submit(1);
  jobsRun++;
  await sim.advance(100);
  if (jobsRun > 5000) throw new Error("the disk never filled");
}
log(JSON.stringify({ ms: performance.now() - t0, jobs: jobsRun }));`;

/** Synced puts (flush + checkpoint each) to 50 keys in turn. */
export const syncedText = (puts: number) => `await flux.start();
const t0 = performance.now();
for (let i = 0; i < ${puts}; i++) await kvs.put("synced." + (i % 50), i, { sync: true });
log(JSON.stringify({ ms: performance.now() - t0 }));`;

/** 64 KiB values until the statedir reports ENOSPC. */
export const fillText = (quotaMib: number) => `scenario({ disk: "${quotaMib} MiB" });
await flux.start();
const t0 = performance.now();
let i = 0;
while (flux.dmesg({ level: "crit", match: "No space left" }).length === 0) {
  await kvs.put("fill." + i++, bytes(65536));
  if (i % 16 === 0) await sim.settle();
  if (i > 4096) throw new Error("never filled");
}
log(JSON.stringify({ ms: performance.now() - t0, values: i, used: disk.used }));`;

/** issue #19 part 3: `jobs` jobs submitted at once (`flux submit --cc=1-N`, 2 cores) on a small statedir, most write-backs failing with ENOSPC. */
export const concurrentJobsText = (jobs: number, quotaMib: number) => `scenario({ disk: "${quotaMib} MiB" });
await flux.start();
const t0 = performance.now();
await jobs.submit(${jobs}, { atOnce: true });
const ms = performance.now() - t0;
log(JSON.stringify({ ms, dirty: (await flux.stats("content")).dirty }));`;

/** A flood of log() lines that times itself: its last line is "ms <the loop's milliseconds>". */
export const floodText = (lines: number) => `const t0 = performance.now();\nfor (let i = 0; i < ${lines}; i++) log("line " + i);\nlog("ms", performance.now() - t0);\n`;

export type Row = [Uint8Array, number, Uint8Array, number];

/**
 * Every row content-sqlite wrote, in insertion order, read from a copy of the
 * statedir (content-sqlite holds its database with locking_mode=EXCLUSIVE).
 * The key is read as its bytes: it is flux-core's raw digest stored as TEXT,
 * which read as a string would be cut at its first zero byte and have every
 * byte that is not UTF-8 replaced.
 */
export function storedRows(sql: SqlJsWithFS, files: Map<string, Uint8Array>): Row[] {
  const copy = "/bench-copy";
  sql.FS.mkdirTree(copy);
  for (const [name, bytes] of files) sql.FS.writeFile(`${copy}/${name}`, bytes);
  const db = new sql.Database();
  db.exec(`ATTACH '${copy}/content.sqlite' AS c`);
  const all = db.exec("SELECT CAST(hash AS BLOB), size, object, epoch FROM c.objects ORDER BY rowid")[0]!.values;
  db.close();
  for (const name of sql.FS.readdir(copy)) if (name !== "." && name !== "..") sql.FS.unlink(`${copy}/${name}`);
  return all.map(([h, s, o, e]) => [h as Uint8Array, Number(s), o as Uint8Array, Number(e)]);
}

/** Insert `rows` the way content-sqlite does: WAL, synchronous=NORMAL, exclusive locking, one autocommit INSERT each, its statements, its keys. */
export function rawInsertMs(sql: SqlJsWithFS, rows: Row[]): number {
  const disk = new Disk(sql, "/bench-raw/statedir", 1024 ** 3);
  const db = new sql.Database();
  db.exec(`ATTACH '${disk.path("content.sqlite")}' AS content; PRAGMA content.journal_mode=WAL; PRAGMA content.synchronous=NORMAL;
    PRAGMA content.locking_mode=EXCLUSIVE; ${SQL.v2.objects.replace("objects(", "content.objects(")}`);
  const stmt = db.prepare(SQL.v2.store);
  const t0 = performance.now();
  for (const row of rows) stmt.run([...row]);
  const ms = performance.now() - t0;
  stmt.free();
  db.close();
  disk.dispose();
  return ms;
}

/** Hash and compress each stored blob as the engine does before its insert (the blobs are new arrays: no memoized blobref). */
export function fluxWorkMs(rows: Row[]): number {
  const blobs = rows.map(([, size, object]) => (size === -1 ? object.slice() : lz4Decompress(object, size)));
  const t0 = performance.now();
  for (const blob of blobs) {
    blobref("sha1", blob);
    if (blob.length >= COMPRESSION_THRESHOLD) lz4Compress(blob);
  }
  return performance.now() - t0;
}
