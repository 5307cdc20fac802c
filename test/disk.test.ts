/** The statedir filesystem: a byte quota under SQLite, per-file accounting, other consumers, power loss. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { Disk } from "../src/engine/disk/disk.ts";
import { FS_EXPORT_ANCHOR, patchSqlJsSource, RUNTIME_DEBUG_ANCHOR } from "../src/engine/disk/sqljs-patch.ts";
import { Broker } from "../src/engine/broker/broker.ts";
import { PRESETS } from "../src/engine/policy/presets.ts";
import { integrityOfCopy, sqlReady } from "./helpers.ts";

let roots = 0;
const newDisk = async (quota: number) => new Disk(await sqlReady, `/disk-test-${++roots}/statedir`, quota);

describe("disk", () => {
  it("makes SQLite itself report SQLITE_FULL when a write would exceed the quota, counting the WAL", async () => {
    const sql = await sqlReady;
    const disk = await newDisk(256 * 1024);
    const refused: string[] = [];
    disk.events = { onRefused: (name, _growth, _used, errno) => refused.push(`${name} ${errno}`) };
    const db = new sql.Database();
    db.exec(`ATTACH '${disk.path("content.sqlite")}' AS c; PRAGMA c.journal_mode=WAL; PRAGMA c.locking_mode=EXCLUSIVE; CREATE TABLE c.t(x BLOB)`);
    let error = "";
    let rows = 0;
    try {
      for (; rows < 1000; rows++) db.run("INSERT INTO t VALUES (?)", [new Uint8Array(8192)]);
    } catch (e) {
      error = (e as Error).message;
    }
    expect(error).toBe("database or disk is full");
    expect(rows).toBeGreaterThan(10);
    expect(disk.used).toBeLessThanOrEqual(disk.quota);
    expect(refused[0]).toBe("content.sqlite-wal ENOSPC");
    expect(db.exec("PRAGMA c.integrity_check")[0]!.values[0]![0]).toBe("ok");
    expect(db.exec("SELECT count(*) FROM t")[0]!.values[0]![0]).toBe(rows);
    // more room: the same connection writes again, no reopen needed
    disk.setQuota(512 * 1024);
    db.run("INSERT INTO t VALUES (?)", [new Uint8Array(8192)]);
    db.close();
    disk.dispose();
  });

  it("accounts files by owner; another consumer fills what is free and can be removed", async () => {
    const disk = await newDisk(1024 * 1024);
    disk.claim("content.sqlite", "content-sqlite");
    disk.fs.writeFile(disk.path("content.sqlite"), new Uint8Array(100_000));
    const fill = disk.fill(10 * 1024 * 1024, "dd.out"); // dd stops at ENOSPC
    expect(fill.bytes).toBe(1024 * 1024 - 100_000);
    expect(disk.free).toBe(0);
    expect(disk.files().map((f) => [f.name, f.owner])).toEqual([
      ["content.sqlite", "content-sqlite"],
      ["dd.out", "other"],
    ]);
    disk.remove("dd.out");
    expect(disk.used).toBe(100_000);
    disk.dispose();
  });

  it("gives each disk of the shared in-memory FS its own quota", async () => {
    const a = await newDisk(100_000);
    const b = await newDisk(100_000);
    expect(a.fill(1_000_000).bytes).toBe(100_000);
    expect(b.fill(50_000).bytes).toBe(50_000);
    a.dispose();
    b.dispose();
  });

  it("injects a one-shot write fault on a file", async () => {
    const disk = await newDisk(1_000_000);
    disk.injectFault("flaky", "EIO");
    expect(() => disk.fs.writeFile(disk.path("flaky.dat"), new Uint8Array(10))).toThrow();
    disk.fs.writeFile(disk.path("flaky.dat"), new Uint8Array(10));
    expect(disk.file("flaky.dat")?.bytes).toBe(10);
    disk.dispose();
  });

  it("restores the statedir exactly after a power loss", async () => {
    const disk = await newDisk(1_000_000);
    disk.fs.writeFile(disk.path("kept"), new Uint8Array([1, 2, 3]));
    const snapshot = disk.snapshot();
    disk.fs.writeFile(disk.path("kept"), new Uint8Array([9]));
    disk.fs.writeFile(disk.path("new"), new Uint8Array(5));
    disk.restore(snapshot);
    expect(disk.files().map((f) => f.name)).toEqual(["kept"]);
    expect([...disk.fs.readFile(disk.path("kept"))]).toEqual([1, 2, 3]);
    disk.dispose();
  });

  it("detects a corrupted database (so the integrity checks of the scenario tests can fail)", async () => {
    const sql = await sqlReady;
    const broker = new Broker(sql, { quota: 4 << 20, knobs: PRESETS.upstream.knobs, statedir: `/disk-test-${++roots}/statedir` });
    const db = new sql.Database();
    db.exec(`ATTACH '${broker.disk.path("content.sqlite")}' AS c; CREATE TABLE c.t(x INTEGER PRIMARY KEY, y BLOB)`);
    for (let i = 0; i < 200; i++) db.run("INSERT INTO t VALUES (?, ?)", [i, new Uint8Array(300).fill(i)]);
    db.close();
    expect(integrityOfCopy(sql, broker, "/integrity-corrupt")).toBe("ok");
    const bytes = broker.disk.fs.readFile(broker.disk.path("content.sqlite"));
    bytes.fill(0xff, 4096 * 2 + 100, 4096 * 2 + 400); // scribble over a b-tree page
    broker.disk.fs.writeFile(broker.disk.path("content.sqlite"), bytes);
    expect(integrityOfCopy(sql, broker, "/integrity-corrupt")).not.toBe("ok");
    broker.dispose();
  });
});

describe("the sql.js patch", () => {
  const source = readFileSync(createRequire(import.meta.url).resolve("sql.js/dist/sql-wasm-debug.js"), "utf8");

  it("exports FS from the installed debug build and silences its debug chatter", () => {
    const patched = patchSqlJsSource(source);
    expect(patched).toContain('Object.defineProperty(Module, "FS"');
    expect(patched).toContain("var runtimeDebug = false;");
  });

  it("gives the debug build's call glue the release build's: numbers-only functions are WebAssembly's own, in Node and in the browser build", async () => {
    const sql = await sqlReady;
    const changes = (sql as unknown as { cwrap: (name: string, ret: string, args: string[]) => () => number }).cwrap("sqlite3_changes", "number", ["number"]);
    expect(String(changes)).toContain("[native code]"); // not a ccall closure, not an argument-checking wrapper
    const browser = readFileSync(createRequire(import.meta.url).resolve("sql.js/dist/sql-wasm-browser-debug.js"), "utf8");
    expect(patchSqlJsSource(browser)).toContain('if (returnType !== "string" && numericArgs && !opts) return getCFunc(ident);');
  });

  it("skips the debug build's integer checks, which the release build does not have, in Node and in the browser build", () => {
    const browser = readFileSync(createRequire(import.meta.url).resolve("sql.js/dist/sql-wasm-browser-debug.js"), "utf8");
    for (const build of [source, browser]) expect(patchSqlJsSource(build)).toContain("function checkInt(value, bits, min, max) {\n  return;\n");
  });

  it("fails loudly when an upgrade moves an anchor", () => {
    expect(() => patchSqlJsSource(source.replace(FS_EXPORT_ANCHOR, "Module.Database = Database;"))).toThrow(/found it 0 times/);
    expect(() => patchSqlJsSource(source.replace(RUNTIME_DEBUG_ANCHOR, "let runtimeDebug = 1;"))).toThrow(/runtimeDebug.*found it 0 times/);
    expect(() => patchSqlJsSource(source.replace("function createExportWrapper(", "function wrapExport("))).toThrow(/createExportWrapper.*found it 0 times/);
    expect(() => patchSqlJsSource(source.replace("function checkInt(", "function checkInteger("))).toThrow(/checkInt.*found it 0 times/);
  });
});
