/** The statedir filesystem: a tmpfs-like quota under SQLite (whole pages, short writes), per-file accounting, other consumers, power loss. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { Disk, PAGE_BYTES } from "../src/engine/disk/disk.ts";
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

  it("accounts files by owner; another consumer fills what is free (dd's last write short, to a page's end) and can be removed", async () => {
    const disk = await newDisk(1024 * 1024);
    disk.claim("content.sqlite", "content-sqlite");
    disk.fs.writeFile(disk.path("content.sqlite"), new Uint8Array(100_000)); // 25 pages: 102,400 bytes as df counts them
    expect(disk.used).toBe(25 * PAGE_BYTES);
    const fill = disk.fill(10 * 1024 * 1024, "dd.out"); // dd stops at ENOSPC
    expect(fill.bytes).toBe(1024 * 1024 - 25 * PAGE_BYTES);
    expect(disk.free).toBe(0);
    expect(disk.files().map((f) => [f.name, f.owner])).toEqual([
      ["content.sqlite", "content-sqlite"],
      ["dd.out", "other"],
    ]);
    disk.remove("dd.out");
    expect(disk.used).toBe(25 * PAGE_BYTES);
    disk.dispose();
  });

  it("gives each disk of the shared in-memory FS its own quota", async () => {
    const a = await newDisk(100 * PAGE_BYTES);
    const b = await newDisk(100 * PAGE_BYTES);
    expect(a.fill(1_000_000).bytes).toBe(100 * PAGE_BYTES);
    expect(b.fill(50_000).bytes).toBe(50_000);
    expect(b.used).toBe(13 * PAGE_BYTES);
    a.dispose();
    b.dispose();
  });

  it("counts space in whole 4 KiB pages, as df on a tmpfs does, and rounds its size up to a page as tmpfs's size= does", async () => {
    const disk = await newDisk(10_000); // 3 pages
    expect(disk.quota).toBe(3 * PAGE_BYTES);
    disk.fs.writeFile(disk.path("one-byte"), new Uint8Array(1));
    disk.fs.writeFile(disk.path("empty"), new Uint8Array(0));
    expect(disk.used).toBe(PAGE_BYTES);
    expect(disk.free).toBe(2 * PAGE_BYTES);
    expect(disk.file("one-byte")?.bytes).toBe(1); // the file's own size is its size
    disk.dispose();
  });

  it("cuts a write that reaches the end of the free pages short, and refuses only a write of which nothing fits", async () => {
    const disk = await newDisk(3 * PAGE_BYTES);
    const refused: string[] = [];
    disk.events = { onRefused: (name, bytes, used, errno) => refused.push(`${name} ${bytes} ${used} ${errno}`) };
    const stream = disk.fs.open(disk.path("f"), "w");
    expect(disk.fs.write(stream, new Uint8Array(1000), 0, 1000)).toBe(1000);
    // rewriting and growing inside the file's first page needs no page
    expect(disk.fs.write(stream, new Uint8Array(3000), 0, 3000, 1000)).toBe(3000);
    // 10,000 bytes from offset 4,000: the file's own page and the two free ones hold 8,288 of them
    expect(disk.fs.write(stream, new Uint8Array(10_000), 0, 10_000, 4000)).toBe(3 * PAGE_BYTES - 4000);
    expect(disk.file("f")?.bytes).toBe(3 * PAGE_BYTES);
    expect(refused).toEqual([]);
    expect(() => disk.fs.write(stream, new Uint8Array(1), 0, 1, 3 * PAGE_BYTES)).toThrow();
    expect(refused).toEqual([`f 1 ${3 * PAGE_BYTES} ENOSPC`]);
    disk.fs.close(stream);
    disk.dispose();
  });

  it("lets SQLite fill the disk to its last page with a failed transaction's WAL, which keeps that size; a small transaction then fits in it", async () => {
    const sql = await sqlReady;
    const disk = await newDisk(48 * PAGE_BYTES);
    const db = new sql.Database();
    db.exec(`ATTACH '${disk.path("content.sqlite")}' AS c; PRAGMA c.journal_mode=WAL; PRAGMA c.synchronous=NORMAL; PRAGMA c.locking_mode=EXCLUSIVE;
      CREATE TABLE c.t(x BLOB)`);
    db.run("INSERT INTO t VALUES (?)", [new Uint8Array(100)]);
    const walBefore = disk.file("content.sqlite-wal")!.bytes;
    expect(() => db.run("INSERT INTO t VALUES (?)", [new Uint8Array(400_000)])).toThrow("database or disk is full");
    expect(disk.free).toBe(0);
    const walGrown = disk.file("content.sqlite-wal")!.bytes;
    expect(walGrown % PAGE_BYTES).toBe(0); // the last frame's page write was cut at the end of the last free page
    expect(walGrown).toBeGreaterThan(walBefore);
    db.run("INSERT INTO t VALUES (?)", [new Uint8Array(100)]); // written over the failed transaction's frames
    expect(disk.file("content.sqlite-wal")!.bytes).toBe(walGrown);
    expect(db.exec("SELECT count(*) FROM t")[0]!.values[0]![0]).toBe(2);
    expect(db.exec("PRAGMA c.integrity_check")[0]!.values[0]![0]).toBe("ok");
    db.close();
    disk.dispose();
  });

  it("counts SQLite's WAL index (-shm) as Linux holds it: 32 KiB for one region, where WebAssembly's 64 KiB page makes it 64 KiB", async () => {
    const sql = await sqlReady;
    const disk = await newDisk(64 * PAGE_BYTES);
    const open = () => {
      const db = new sql.Database();
      db.exec(`ATTACH '${disk.path("content.sqlite")}' AS c; PRAGMA c.journal_mode=WAL; PRAGMA c.synchronous=NORMAL; PRAGMA c.locking_mode=EXCLUSIVE;
        CREATE TABLE IF NOT EXISTS c.t(x BLOB)`);
      return db;
    };
    open().close();
    const db = open(); // an existing WAL database opened before the exclusive lock: SQLite makes its -shm
    expect(disk.fs.readFile(disk.path("content.sqlite-shm")).length).toBe(64 * 1024);
    expect(disk.file("content.sqlite-shm")?.bytes).toBe(32 * 1024);
    expect(disk.used).toBe(disk.files().reduce((n, f) => n + Math.ceil(f.bytes / PAGE_BYTES) * PAGE_BYTES, 0));
    db.close();
    disk.dispose();
  });

  it("writes a whole file or fails with ENOSPC, as a careful program does", async () => {
    const disk = await newDisk(2 * PAGE_BYTES);
    disk.writeWhole("fits", new Uint8Array(PAGE_BYTES));
    expect(() => disk.writeWhole("too-big", new Uint8Array(2 * PAGE_BYTES))).toThrow();
    expect(disk.file("too-big")?.bytes).toBe(PAGE_BYTES); // as far as it got
    disk.dispose();
  });

  it.each([
    [-4096, "-4096"],
    [Number.NaN, "NaN"],
    [100, "100"],
  ])("refuses an impossible quota (%s) with one line naming it, at creation and on resize", async (quota, shown) => {
    const message = `disk quota: ${shown} bytes is not a filesystem size; it must be a number of at least one 4096-byte page`;
    await expect(newDisk(quota)).rejects.toThrow(message);
    const disk = await newDisk(PAGE_BYTES);
    expect(() => disk.setQuota(quota)).toThrow(message);
    expect(disk.quota).toBe(PAGE_BYTES);
    disk.dispose();
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

  it("keeps what it works out once per change (the pages used, the file signature) true to the files after every kind of change", async () => {
    const sql = await sqlReady;
    const disk = await newDisk(4 * 1024 * 1024);
    // the FS calls this project's code does not make (so its type does not declare them), made here as a program might
    const fs = disk.fs as typeof disk.fs & {
      rename(from: string, to: string): void;
      truncate(path: string, size: number): void;
      mknod(path: string, mode: number, dev: number): unknown;
      msync(stream: unknown, buffer: Uint8Array, offset: number, length: number, flags: number): number;
    };
    let before = { files: "", signature: "" };
    const checkAfter = (step: string) => {
      const files = disk.files();
      const pages = files.filter((f) => !f.link).reduce((sum, f) => sum + Math.ceil(f.bytes / PAGE_BYTES), 0);
      expect(disk.used, `used after ${step}`).toBe(pages * PAGE_BYTES);
      const now = { files: JSON.stringify(files), signature: disk.fileSignature() };
      if (now.files !== before.files) expect(now.signature, `the signature after ${step}`).not.toBe(before.signature);
      before = now;
    };
    const db = new sql.Database();
    db.exec(`ATTACH '${disk.path("content.sqlite")}' AS c; PRAGMA c.journal_mode=WAL; CREATE TABLE c.t(x BLOB)`);
    checkAfter("creating a database with a WAL");
    for (let n = 0; n < 20; n++) db.run("INSERT INTO t VALUES (?)", [new Uint8Array(5000)]);
    checkAfter("inserts");
    db.exec("PRAGMA c.wal_checkpoint(TRUNCATE)");
    checkAfter("a checkpoint that truncates the WAL");
    disk.fill(100_000, "other.dat");
    checkAfter("another consumer's file");
    disk.writeWhole("whole.bin", new Uint8Array(9000));
    checkAfter("a whole file");
    fs.rename(disk.path("whole.bin"), disk.path("renamed.bin"));
    checkAfter("a rename");
    fs.truncate(disk.path("renamed.bin"), 100);
    checkAfter("a truncate");
    fs.mknod(disk.path("made"), 0o100644, 0);
    checkAfter("a file made by mknod");
    const empty = fs.open(disk.path("empty"), "a");
    checkAfter("an empty file opened");
    // what munmap does with a shared mapping: MEMFS writes it back with its own write, past the file's end here
    fs.msync(empty, new Uint8Array(6000), 0, 6000, 0);
    checkAfter("a mapping written back");
    fs.close(empty);
    disk.makeDumpDir();
    disk.writeWhole("dump/a.tgz", new Uint8Array(7000));
    disk.symlink("a.tgz", "dump/RESTORE");
    checkAfter("a dump and its link");
    disk.remove("dump/RESTORE");
    disk.remove("other.dat");
    checkAfter("removals");
    const image = disk.snapshot();
    for (let n = 0; n < 20; n++) db.run("INSERT INTO t VALUES (?)", [new Uint8Array(5000)]);
    checkAfter("more inserts");
    db.close();
    checkAfter("closing the database (its WAL index unmapped)");
    disk.restore(image);
    checkAfter("a power loss's restore");
    disk.dispose();
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
