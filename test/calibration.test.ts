/**
 * The engine against real flux-core 0.88 measured on this machine kind
 * (flux-model.md §13): the test fails when the engine leaves the measured
 * band. Sizes are compared as `df` counts them on the tmpfs, in 4 KiB
 * blocks per file. Jobs run one at a time, 100 ms of virtual time apart, as
 * t0090-content-enospc.ts runs them.
 */
import { describe, expect, it } from "vitest";
import { run } from "./helpers.ts";

/** §13 "Growth per job" on a 256 MiB tmpfs: jobs run → [used bytes, objects]. */
const GROWTH: Record<number, [number, number]> = {
  50: [5_545_984, 4_094],
  100: [8_482_816, 8_224],
  150: [12_021_760, 12_380],
  200: [16_678_912, 16_575],
  250: [22_532_096, 20_839],
  300: [29_274_112, 25_056],
  350: [36_958_208, 29_332],
};

/** §13 A: jobs until the first ENOSPC in dmesg, by statedir size in MiB. */
const JOBS_UNTIL_ENOSPC: Record<number, number> = { 1: 2, 4: 6, 16: 197 };

/**
 * §13-style measurement of `flux submit --cc=1-20 echo 0123456789` twice on a 4 MiB statedir (2 cores):
 * the content cache's dirty count after each 20 (`flux module stats content`), lowest and highest of six
 * runs (three in issue #19, three on 2026-12-03 here), and how many jobs had their clean event in the
 * KVS when the first "No space left on device" was logged (3 in the three runs here; issue #19 says 4).
 */
const AT_ONCE = { dirtyAfter20: [900, 1019], dirtyAfter40: [2197, 2447], cleanAtFirstEnospc: [3, 4] } as const;

/** Script lines: used bytes in 4 KiB blocks per file, as df counts them. */
const MEASURE = `const blocks = () => disk.files().reduce((n, f) => n + Math.ceil(f.bytes / 4096) * 4096, 0);
const objects = async () => (await flux.stats("content-sqlite")).object_count;`;

async function logsOf(script: string): Promise<string[]> {
  const result = await run(script, { retainTrace: false });
  expect(result.error).toBeUndefined();
  return result.logs;
}

/** The jobs whose eventlog holds their clean event, found by walking the job directories (job.<dothex>). */
const CLEAN_JOBS = `async function cleanJobs() {
  const walk = async (dir, depth) => depth === 4
    ? (String(await kvs.get(dir + ".eventlog")).includes('"name":"clean"') ? 1 : 0)
    : (await Promise.all((await kvs.ls(dir)).map((d) => walk(dir + "." + d, depth + 1)))).reduce((a, b) => a + b, 0);
  return walk("job", 0);
}`;

/** Within ±10 %, rounded outward to whole units, and at least ±1. */
function band(real: number): [number, number] {
  return [Math.min(real - 1, Math.floor(real * 0.9)), Math.max(real + 1, Math.ceil(real * 1.1))];
}

function expectWithin(engine: number, real: number | readonly [number, number], what: string): void {
  const [lowest, highest] = typeof real === "number" ? [real, real] : real;
  const [low, high] = [band(lowest)[0], band(highest)[1]];
  expect(engine, `${what}: engine ${engine}, real ${real}, band ${low}..${high}`).toBeGreaterThanOrEqual(low);
  expect(engine, `${what}: engine ${engine}, real ${real}, band ${low}..${high}`).toBeLessThanOrEqual(high);
}

describe("calibration against real flux-core 0.88 (flux-model.md §13)", () => {
  it("right after the first start: 122,880 bytes used, 10 objects, a 115,392-byte WAL, no -shm", async () => {
    const [line] = await logsOf(`
${MEASURE}
await flux.start();
await sim.settle(); // the last write-backs of rc1's commits
log(JSON.stringify({ used: blocks(), objects: await objects(), files: Object.fromEntries(disk.files().map((f) => [f.name, f.bytes])) }));
`);
    const { used, objects, files } = JSON.parse(line!);
    expectWithin(used, 122_880, "bytes used");
    expectWithin(objects, 10, "objects");
    expectWithin(files["content.sqlite-wal"], 115_392, "WAL bytes");
    expect(Object.keys(files).sort()).toEqual(["content.sqlite", "content.sqlite-wal"]);
  });

  it.each(Object.entries(JOBS_UNTIL_ENOSPC))("jobs until the first ENOSPC on %s MiB: real %d", async (mib, real) => {
    const [jobs] = await logsOf(`
scenario({ disk: "${mib} MiB" });
await flux.start();
let n = 0;
while (flux.dmesg("No space left on device").length === 0 && n < 1000) {
  await jobs.submit(1);
  n++;
  await sim.advance(100);
}
log(n);
`);
    expectWithin(Number(jobs), real, `jobs until ENOSPC on ${mib} MiB`);
  });

  it("bytes and objects after 50, 100, ... 350 jobs", async () => {
    const lines = await logsOf(`
scenario({ disk: "256 MiB" });
${MEASURE}
await flux.start();
for (let n = 1; n <= 350; n++) {
  await jobs.submit(1);
  await sim.advance(100);
  if (n % 50 === 0) log(n, blocks(), await objects());
}
`);
    expect(lines).toHaveLength(7);
    for (const line of lines) {
      const [n, used, objects] = line.split(" ").map(Number) as [number, number, number];
      expectWithin(used, GROWTH[n]![0], `bytes after ${n} jobs`);
      expectWithin(objects, GROWTH[n]![1], `objects after ${n} jobs`);
    }
  });

  it("20 jobs at once, twice, on 4 MiB: dirty blobs after 20 and 40, clean jobs at the first ENOSPC", async () => {
    const [line] = await logsOf(`
scenario({ disk: "4 MiB" });
${CLEAN_JOBS}
await flux.start();
await sim.settle();
let cleanAtEnospc = -1;
const first = jobs.submit(20, { atOnce: true });
let submitted = false;
first.then(() => (submitted = true));
while (!submitted && flux.dmesg("No space left on device").length === 0) await sim.advance(1);
if (!submitted) cleanAtEnospc = await cleanJobs();
await first;
const after20 = (await flux.stats("content")).dirty;
await jobs.submit(20, { atOnce: true });
log(JSON.stringify({ cleanAtEnospc, after20, after40: (await flux.stats("content")).dirty }));
`);
    const { cleanAtEnospc, after20, after40 } = JSON.parse(line!);
    expectWithin(after20, AT_ONCE.dirtyAfter20, "dirty after 20 jobs at once");
    expectWithin(after40, AT_ONCE.dirtyAfter40, "dirty after 40 jobs at once");
    expect(cleanAtEnospc, `jobs clean at the first ENOSPC: engine ${cleanAtEnospc}, real 3-4`).toBeGreaterThanOrEqual(AT_ONCE.cleanAtFirstEnospc[0]);
    expect(cleanAtEnospc).toBeLessThanOrEqual(AT_ONCE.cleanAtFirstEnospc[1]);
  });

  it("2000 asynchronous one-key commits to one directory advance the root by 16-20 (within 2×: 8-40)", async () => {
    const [advanced] = await logsOf(`
await flux.start();
const before = (await kvs.getroot()).sequence;
await Promise.all(Array.from({ length: 2000 }, (_, i) => kvs.put("dir.k" + i, i)));
log((await kvs.getroot()).sequence - before);
`);
    expect(Number(advanced)).toBeGreaterThanOrEqual(8);
    expect(Number(advanced)).toBeLessThanOrEqual(40);
  });
});
