/**
 * Statedirs real flux-core 0.88 wrote (test/fixtures/real-statedir-0.88, its README says how and what Flux read
 * back from each): the engine opens them as they are and reads back what Flux read back; and the database the
 * engine writes has flux-core's tables, byte for byte where SQLite lets it be.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { statedirFiles, type StatedirImage } from "../src/engine/disk/statedir-image.ts";
import type { PresetName } from "../src/engine/policy/knobs.ts";
import { run, sqlReady } from "./helpers.ts";

const FIXTURES = new URL("./fixtures/real-statedir-0.88/", import.meta.url);

function fixture(name: "clean" | "killed"): StatedirImage {
  const dir = new URL(`${name}/`, FIXTURES);
  return Object.fromEntries(readdirSync(dir).map((file) => [file, new Uint8Array(readFileSync(new URL(file, dir)))]));
}

/** What a script read back, one JSON value per log line: [label, value]. */
async function readBack(statedir: StatedirImage | undefined, body: string, policy: PresetName = "upstream"): Promise<{ values: Map<string, unknown>; files: StatedirImage; dmesg: string[] }> {
  let files: StatedirImage = {};
  const result = await run(
    `const show = (label, value) => log(JSON.stringify([label, value]));
     const get = async (key) => { try { return await kvs.get(key); } catch (e) { return e.errno; } };
     ${body}
     show("dmesg", flux.dmesg());`,
    { overrides: { policy, ...(statedir ? { statedir } : {}) }, beforeDispose: (sim) => (files = statedirFiles(sim.broker.disk)) },
  );
  expect(result.error).toBeUndefined();
  const values = new Map(result.logs.map((line) => JSON.parse(line) as [string, unknown]));
  return { values, files, dmesg: values.get("dmesg") as string[] };
}

const READ_ALL = `
  show("before start", (await flux.checkpoints()).map((c) => c.sequence));
  await flux.start();
  for (const key of ["greeting", "photo.count", "dir.k2", "before", "synced", "after"]) show(key, await get(key));
  const big = await get("big");
  // in pieces: a log() line is cut at 10 000 characters
  if (typeof big === "string") show("big", big);
  else for (let at = 0; at < big.length; at += 4000) show(\`big@\${at}\`, Array.from(big.subarray(at, at + 4000), (b) => b.toString(16).padStart(2, "0")).join(""));
  show("after start", (await flux.checkpoints()).map((c) => c.sequence));
  show("fsck", (await flux.fsck()).ok);
  // \`flux jobs -a\`: the jobs in the KVS (job.<dothex id>), each with the last event of its eventlog
  const jobs = async (dir, depth) => depth === 4
    ? [String(await kvs.get(dir + ".eventlog")).trim().split("\\n").map((line) => JSON.parse(line).name).pop()]
    : (await Promise.all((await kvs.ls(dir)).map((d) => jobs(dir + "." + d, depth + 1)))).flat();
  show("jobs", await jobs("job", 0).catch((e) => e.errno));
`;

/** The SHA-1 of the value the script showed in pieces. */
function sha1OfPieces(values: Map<string, unknown>, label: string): string {
  const hex = [...values].filter(([key]) => key.startsWith(`${label}@`)).map(([, piece]) => piece as string).join("");
  return createHash("sha1").update(Buffer.from(hex, "hex")).digest("hex");
}

describe("a statedir real flux-core 0.88 wrote", () => {
  it("clean (two clean runs): reads back greeting, photo.count, dir.k2, big and the checkpoints, and fsck finds it clean", async () => {
    const { values, dmesg } = await readBack(fixture("clean"), READ_ALL);
    expect(values.get("greeting")).toBe("hello");
    expect(values.get("photo.count")).toBe("3");
    expect(values.get("dir.k2")).toBe("2");
    expect(sha1OfPieces(values, "big")).toBe("d00619db7fa63eac5f0e6a60a25a4b99845046c4");
    // checkpt_v2 as the second run left it (README: 27, 27, 28, 34, 34), newest first as `flux content checkpoint list` shows it
    expect(values.get("before start")).toEqual([34, 34, 28, 27, 27]);
    // the start writes one more and prunes to the 5 newest (max_checkpoints)
    const after = values.get("after start") as number[];
    expect(after.slice(1)).toEqual([34, 34, 28, 27]);
    expect(after[0]).toBeGreaterThan(34);
    expect(values.get("fsck")).toBe(true);
    // two jobs, COMPLETED: their eventlogs end with "clean"
    expect(values.get("jobs")).toEqual(["clean", "clean"]);
    expect(dmesg.join("\n")).not.toMatch(/not shut down properly/);
  });

  it("killed (SIGKILL, its data in the WAL): before and synced are there, after is gone, one checkpoint more than 5 and 1", async () => {
    const image = fixture("killed");
    expect(Object.keys(image).sort()).toEqual(["content.sqlite", "content.sqlite-wal"]);
    const { values, dmesg } = await readBack(image, READ_ALL);
    expect(values.get("before")).toBe("1");
    expect(values.get("synced")).toBe("yes");
    expect(values.get("after")).toBe("ENOENT");
    expect(values.get("before start")).toEqual([5, 1]);
    const after = values.get("after start") as number[];
    // real Flux wrote 6 in one try and 8 in another (README)
    expect([6, 8]).toContain(after[0]);
    expect(after.slice(1)).toEqual([5, 1]);
    expect(values.get("fsck")).toBe(true);
    // `flux jobs -a`: no job (the job ran after the last checkpoint)
    expect(values.get("jobs")).toBe("ENOENT");
    // `flux startlog` said "crashed": rc1 finds the instance was not shut down properly
    expect(dmesg.join("\n")).toMatch(/Flux was not shut down properly/);
  });

  // Known difference (docs/sqlite.md): on a clean restart real Flux's first checkpoint is the last one's +1
  // (27 -> 28 in the README's second run); the engine's rc1 commits three times before it (+3).
  it.fails("clean restart: the start's checkpoint is the last one's +1, as real Flux's was (27 -> 28)", async () => {
    const { values } = await readBack(await withoutCheckpointsAfter(fixture("clean"), 27), READ_ALL);
    expect(values.get("before start")).toEqual([27, 27]);
    expect((values.get("after start") as number[])[0]).toBe(28);
  });

  it("the engine's database has flux-core 0.88's tables: the same CREATE text, keys the raw digest with type TEXT", async () => {
    const fromFlux = await describeDatabase(fixture("clean")["content.sqlite"]!);
    const { files } = await readBack(fixture("killed"), "await flux.start(); await kvs.put('k', 'v'); await flux.shutdown();");
    const fromEngine = await describeDatabase(files["content.sqlite"]!);
    expect(fromEngine.schema).toEqual(fromFlux.schema);
    expect(fromFlux.keys).toEqual([["text", 20]]);
    expect(fromEngine.keys).toEqual([["text", 20]]);
    // a clean shutdown checkpoints the WAL into the database and leaves none behind, as Flux's did (clean/)
    expect(Object.keys(files)).not.toContain("content.sqlite-wal");
  });

  it("the engine's flux-0.66 database has 0.66's tables; 0.88 (upstream) opening it adds the epoch column and moves its checkpoint over", async () => {
    const old = await readBack(undefined, "await flux.start(); await kvs.put('old', 'v1'); await flux.shutdown();", "flux-0.66");
    expect((await describeDatabase(old.files["content.sqlite"]!)).schema).toEqual([
      "CREATE TABLE objects(  hash BLOB PRIMARY KEY,  size INT,  object BLOB)",
      "CREATE TABLE checkpt(  key TEXT UNIQUE,  value TEXT)",
    ]);
    const { values, files, dmesg } = await readBack(old.files, "await flux.start(); show('old', await get('old')); await flux.shutdown();");
    expect(values.get("old")).toBe("v1");
    expect(dmesg.join("\n")).toMatch(/adding epoch column to objects table/);
    expect((await describeDatabase(files["content.sqlite"]!)).schema).toEqual([
      "CREATE TABLE objects(  hash BLOB PRIMARY KEY,  size INT,  object BLOB, epoch INT DEFAULT 0)",
      "CREATE TABLE checkpt_v2(  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,  value TEXT)",
      "CREATE TABLE sqlite_sequence(name,seq)",
    ]);
  });
});

/** A database's CREATE statements (as sqlite_master keeps them) and its keys' SQLite types and byte lengths. */
async function describeDatabase(bytes: Uint8Array): Promise<{ schema: string[]; keys: unknown[][] }> {
  const sql = await sqlReady;
  const db = new sql.Database(bytes);
  try {
    const schema = db.exec("SELECT sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid")[0]!.values.map((row) => String(row[0]));
    const keys = db.exec("SELECT DISTINCT typeof(hash), length(CAST(hash AS BLOB)) FROM objects")[0]!.values;
    return { schema, keys };
  } finally {
    db.close();
  }
}

/** The clean fixture as its second run found it: no checkpoint newer than `sequence` (its objects are a superset). */
async function withoutCheckpointsAfter(image: StatedirImage, sequence: number): Promise<StatedirImage> {
  const sql = await sqlReady;
  const db = new sql.Database(image["content.sqlite"]!);
  try {
    db.run("DELETE FROM checkpt_v2 WHERE json_extract(value, '$.sequence') > ?", [sequence]);
    return { "content.sqlite": db.export() };
  } finally {
    db.close();
  }
}
