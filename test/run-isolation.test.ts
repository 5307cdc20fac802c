/**
 * No run can hurt the next: all runs of a process share one sql.js (one
 * WebAssembly heap, one in-memory FS), as the page's engine worker does. After
 * 500 runs that crash mid-write, fill the disk, fail writes with EIO, run
 * fsck offline, get stuck, throw, or are cut short mid-start, the heap, the
 * open file descriptors and the FS's top directory are as after the first
 * round of them, and the last round still gives the first round's results.
 */
import { describe, expect, it } from "vitest";
import { run, sqlReady } from "./helpers.ts";

const RUNS = Number(process.env.ISOLATION_RUNS ?? 500);

/** Each ends in a different way; together they open, crash and close databases every way the engine can. */
const SCRIPTS = [
  // a power loss after a synced commit: the restart recovers the WAL (SQLite maps its -shm file)
  `scenario({ disk: "1 MiB" });\nawait flux.start();\nawait kvs.put("a", 1, { sync: true });\nflux.crash();\nawait flux.fsck();\nawait flux.start();\nexpect(await kvs.get("a")).toBe(1);`,
  // ENOSPC under SQLite, then a shutdown whose rc3 fails
  `scenario({ disk: "256 KiB" });\nawait flux.start();\ndisk.fill();\nawait kvs.put("big", bytes(100000));\nawait content.flush().catch(() => {});\nawait flux.shutdown();`,
  // an injected EIO, then the script's own error escapes
  `await flux.start();\ndisk.failNextWrite("EIO");\nawait kvs.put("x", bytes(5000), { sync: true });`,
  // a start cut short by a power loss, then an offline fsck cut short by a start
  `const p = flux.start();\nawait sim.advance(0.05);\nflux.crash();\nawait p.catch(() => {});\nvoid flux.fsck().catch(() => {});\nawait sim.advance(0.02);\nawait flux.start().catch(() => {});`,
  // stuck: a synced commit waits on a blob nothing will write
  `scenario({ disk: "256 KiB", policy: "flux-0.66" });\nawait flux.start();\ndisk.fill();\nawait kvs.put("k", bytes(90000)).catch(() => {});\nawait kvs.sync();`,
  // the script throws a non-Error while the instance is up; a rejection is left unhandled
  `await flux.start();\nawait kvs.put("a", bytes(3000));\nvoid Promise.reject(new Error("left behind"));\nawait sim.advance(1);`,
  // rc1 fails on a full disk (the database cannot even be opened)
  `scenario({ disk: "128 KiB" });\ndisk.fill();\nawait flux.start().catch(() => {});\nthrow { weird: true };`,
];

interface Level {
  heapBytes: number;
  openFiles: number;
  topLevelEntries: number;
}

async function level(): Promise<Level> {
  const sql = await sqlReady;
  const fs = sql.FS as typeof sql.FS & { streams: unknown[] };
  return { heapBytes: sql.heapBytes, openFiles: fs.streams.filter(Boolean).length, topLevelEntries: fs.readdir("/").length };
}

describe("one process, many runs", () => {
  it(`leaves the WebAssembly heap, open files and the FS as the first round left them, over ${RUNS} runs`, async () => {
    const outcome = async (text: string) => {
      const r = await run(text, { retainTrace: false });
      return `${r.ok} ${r.error?.message ?? ""} ${r.traceHash}`;
    };
    const round = async () => {
      const results: string[] = [];
      for (const text of SCRIPTS) results.push(await outcome(text));
      return results;
    };
    const first = await round();
    const afterFirstRound = await level();
    let last: string[] = [];
    for (let n = SCRIPTS.length; n < RUNS; n += SCRIPTS.length) last = await round();
    expect(last).toEqual(first);
    expect(await level()).toEqual(afterFirstRound);
  }, 120_000);
});
