/**
 * content-sqlite: the backing store (flux-core src/modules/content-sqlite).
 * Blobs go into <statedir>/content.sqlite through real SQLite; SQLite's own
 * errors map to errno as flux does (SQLITE_FULL -> ENOSPC). After an error
 * the module stays loaded and the database open: each later store is simply
 * tried again (unless the policy's backingOnEnospc says otherwise).
 */
import type { Database, Statement } from "sql.js";
import { blobref, digestOf, isBlobref, type HashName } from "../../common/blobref.ts";
import { lz4Compress, lz4Decompress } from "../../common/lz4.ts";
import type { Disk } from "../../disk/disk.ts";
import type { SqlJsWithFS } from "../../disk/sqljs-patch.ts";
import type { Endpoint, Message } from "../../sim/bus.ts";
import { sqliteCost } from "../../sim/costs.ts";
import type { Errno } from "../../sim/errno.ts";
import type { Knobs } from "../../policy/knobs.ts";
import type { Done, FluxModule } from "../module.ts";
import { sqliteError, type SqliteError } from "./sqlite-errors.ts";

export const DB_FILE = "content.sqlite";
/** The separate checkpoint database (policy checkpointDb "separate") and the reserve file (policy reserveBytes). */
export const CHECKPOINT_DB_FILE = "checkpoint.sqlite";
export const RESERVE_FILE = "content.reserve";
/** The separate checkpoint database is preallocated to this size, so a checkpoint never needs it to grow. */
const CHECKPOINT_DB_PREALLOC = 64 * 1024;
/** Blobs of this many bytes or more are stored LZ4-compressed. */
export const COMPRESSION_THRESHOLD = 256;
const KVS_DEFAULT_CHECKPOINT = "kvs-primary";

export interface Checkpoint {
  version: number;
  rootref: string;
  sequence: number;
  timestamp: number;
}

type Knob = Pick<Knobs, "sqliteSchema" | "maxCheckpoints" | "contentHash" | "backingOnEnospc" | "failHard" | "reserveBytes" | "checkpointDb" | "backingStartsReadOnly">;

export interface ContentSqliteSnapshot {
  /** The database is open (false after an ENOSPC under backingOnEnospc "close", until a request reopens it). */
  open: boolean;
  /** Answering EROFS after an ENOSPC (policy backingOnEnospc "read-only"). */
  readOnly: boolean;
  /** The errno of the last failed SQLite call, cleared by the next successful store. */
  lastErrno: Errno | null;
  /** The newest checkpoint in the database. */
  lastCheckpoint: Checkpoint | null;
  stores: number;
  loads: number;
}

/**
 * flux-core's statements, character for character (content-sqlite.c of 0.88 for v2, of 0.66 for v1; SQLite
 * keeps a CREATE statement's text in the database, so a database the engine makes is the one Flux makes), with
 * one change: where flux binds a key, `CAST(?1 AS TEXT)`. flux binds the raw digest with sqlite3_bind_text, so
 * the key is stored with type TEXT; sql.js binds a JavaScript string as its UTF-8 and a digest is not UTF-8, so
 * the digest is bound as a blob and the cast makes it TEXT, the same bytes (and the key index is still used).
 */
export const SQL = {
  v1: {
    objects: "CREATE TABLE if not exists objects(  hash BLOB PRIMARY KEY,  size INT,  object BLOB);",
    // a blob that is already there fails the primary key: content-sqlite ignores SQLITE_CONSTRAINT (insert())
    store: "INSERT INTO objects (hash,size,object)   values (CAST(?1 AS TEXT), ?2, ?3)",
    checkpt: "CREATE TABLE if not exists checkpt(  key TEXT UNIQUE,  value TEXT);",
    checkptGet: "SELECT value FROM checkpt  WHERE key = ?1",
    checkptPut: "REPLACE INTO checkpt (key,value)   values (?1, ?2)",
  },
  v2: {
    objects: "CREATE TABLE if not exists objects(  hash BLOB PRIMARY KEY,  size INT,  object BLOB,  epoch INT DEFAULT 0);",
    store: "INSERT INTO objects (hash,size,object,epoch)   values (CAST(?1 AS TEXT), ?2, ?3, ?4) ON CONFLICT(hash) DO UPDATE SET epoch = excluded.epoch",
    checkpt: "CREATE TABLE if not exists checkpt_v2(  id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,  value TEXT);",
    checkptGet: "SELECT value FROM checkpt_v2 ORDER BY id DESC",
    checkptPut: "INSERT INTO checkpt_v2 (value) values (?1)",
    checkptPrune: "DELETE FROM checkpt_v2 WHERE id IN (   SELECT id FROM checkpt_v2 ORDER BY id DESC LIMIT -1 OFFSET ?1 );",
  },
  load: "SELECT object,size FROM objects  WHERE hash = CAST(?1 AS TEXT) LIMIT 1",
  /** 0.88 opening a database of 0.66 (content_sqlite_checkpt_migrate, migrate_add_epoch_column). */
  hasLegacyCheckpt: "SELECT tbl_name FROM content.sqlite_master where type = 'table' AND tbl_name = 'checkpt'",
  legacyCheckptGet: "SELECT value FROM content.checkpt  WHERE key = ?1",
  dropLegacyCheckpt: "DROP TABLE IF EXISTS content.checkpt",
  epochColumn: "SELECT 1 FROM pragma_table_info('objects', 'content') WHERE name = 'epoch'",
  addEpochColumn: "ALTER TABLE content.objects ADD COLUMN epoch INT DEFAULT 0",
} as const;

/** How content.sqlite is opened: attached to sql.js's own scratch database as "content". */
export const attachStatement = (path: string) => `ATTACH '${path}' AS content`;

/**
 * flux-core's pragmas on opening content.sqlite, in its order, each with the
 * site its failure is logged at, as content-sqlite.c has them.
 * The differential test (test/disk-diff) opens its databases with these.
 */
export const OPEN_PRAGMAS: readonly [site: string, statement: string][] = [
  ["setting sqlite 'journal_mode' pragma", "PRAGMA content.journal_mode=WAL"],
  ["setting sqlite 'synchronous' pragma", "PRAGMA content.synchronous=NORMAL"],
  ["setting sqlite 'locking_mode' pragma", "PRAGMA content.locking_mode=EXCLUSIVE"],
  ["setting sqlite 'quick_check' pragma", "PRAGMA content.quick_check"],
];

/** Point a checkpoint statement at the schema that holds the checkpoint table. */
function inSchema(sql: string, schema: string): string {
  return sql.replace(/\b(FROM|INTO) (checkpt(?:_v2)?)\b/g, `$1 ${schema}.$2`);
}

export class ContentSqlite implements FluxModule {
  readonly name = "content-sqlite";
  private db: Database | undefined;
  private stmts: { load: Statement; store: Statement; checkptGet: Statement; checkptPut: Statement; checkptPrune?: Statement } | undefined;
  private epoch = 0;
  private stores = 0;
  private loads = 0;
  private lastErrno: Errno | undefined;
  private lastCheckpoint: Checkpoint | undefined;
  private readOnly = false;

  constructor(
    private readonly h: Endpoint,
    private readonly sql: SqlJsWithFS,
    private readonly disk: Disk,
    private readonly knobs: Knob,
    /** The module's `truncate` argument (rc1 gives it before a restore): the database is unlinked before it is opened (its WAL is not). */
    private readonly truncate = false,
  ) {}

  get dbfile(): string {
    return this.disk.path(DB_FILE);
  }

  /** The database's path as log lines show it. */
  private get dbfileShown(): string {
    return this.disk.displayPath(DB_FILE);
  }

  load(done: Done): void {
    const failure = this.openDb();
    if (failure) {
      this.closeDb();
      done(failure.errno);
      return;
    }
    this.h.serve("content-backing.load", (msg) => this.onLoad(msg));
    this.h.serve("content-backing.store", (msg) => this.onStore(msg));
    this.h.serve("content-backing.checkpoint-get", (msg) => this.onCheckpointGet(msg));
    this.h.serve("content-backing.checkpoint-put", (msg) => this.onCheckpointPut(msg));
    this.h.serve("content-backing.validate", (msg) => this.onValidate(msg));
    this.h.serve("content-sqlite.stats-get", (msg) => this.onStats(msg));
    this.h.serve("content-sqlite.set-readonly", (msg) => this.onSetReadOnly(msg));
    this.h.serve("content-sqlite.delete-object", (msg) => this.onDeleteObject(msg));
    this.reserveSpace();
    if (this.knobs.backingStartsReadOnly) this.setReadOnly(true, "at start (backingStartsReadOnly)");
    this.h.rpc("content.register-backing", { name: this.name }, (r) => done(r.ok ? undefined : r.errno));
  }

  unload(done: Done): void {
    this.h.rpc("content.unregister-backing", {}, () => {
      this.h.close();
      this.closeDb();
      done();
    });
  }

  crash(): void {
    this.h.close();
    this.closeDb();
  }

  /** The schema holding the checkpoint table: the main database, or the separate checkpoint database. */
  private get checkpointSchema(): string {
    return this.knobs.checkpointDb === "separate" ? "checkpt" : "content";
  }

  /** Open statedir/content.sqlite with flux's pragmas, in flux's order. Returns the failure, logged, if any. */
  private openDb(): SqliteError | undefined {
    const schema = SQL[this.knobs.sqliteSchema];
    const cp = this.checkpointSchema;
    const steps: [string, string][] = [
      [`opening ${this.dbfileShown}`, attachStatement(this.dbfile)],
      ...OPEN_PRAGMAS,
      ["creating object table", schema.objects.replace("objects(", "content.objects(")],
      ...(cp === "checkpt" ? this.checkpointDbSteps() : []),
      ["creating checkpt table", schema.checkpt.replace(/ (checkpt(?:_v2)?)\(/, ` ${cp}.$1(`)],
      ...(cp === "checkpt" ? this.preallocateSteps() : []),
    ];
    if (this.truncate && this.disk.exists(DB_FILE)) this.disk.remove(DB_FILE);
    // sql.js opens its own scratch database first; ours is attached as "content", the only schema with these tables.
    this.db = new this.sql.Database();
    for (const [site, statement] of steps) {
      const failure = this.exec(site, () => this.db!.exec(statement));
      if (failure) return failure;
    }
    const v2 = this.knobs.sqliteSchema === "v2";
    const failure = (v2 ? this.addEpochColumn() : undefined) ?? this.prepareStatements(schema, cp) ?? (v2 ? this.migrateLegacyCheckpoint() : undefined);
    if (failure) return failure;
    return this.exec("querying objects count", () => {
      const db = this.db!;
      const latest = db.exec(inSchema(schema.checkptGet, cp).replace("?1", `'${KVS_DEFAULT_CHECKPOINT}'`))[0]?.values[0]?.[0];
      this.lastCheckpoint = latest === undefined ? undefined : (JSON.parse(String(latest)) as Checkpoint);
      const count = db.exec("SELECT count(1) FROM objects")[0]?.values[0]?.[0];
      this.h.log("debug", `${this.dbfileShown} (${count} objects) journal_mode=WAL synchronous=NORMAL`);
    });
  }

  private prepareStatements(schema: (typeof SQL)["v1" | "v2"], cp: string): SqliteError | undefined {
    return this.exec("preparing statements", () => {
      const db = this.db!;
      this.stmts = {
        load: db.prepare(SQL.load),
        store: db.prepare(schema.store),
        checkptGet: db.prepare(inSchema(schema.checkptGet, cp)),
        checkptPut: db.prepare(inSchema(schema.checkptPut, cp)),
        ...("checkptPrune" in schema ? { checkptPrune: db.prepare(inSchema(schema.checkptPrune, cp)) } : {}),
      };
      // init_current_epoch: before a legacy checkpoint is moved over, as flux does it
      if (this.knobs.sqliteSchema === "v2") this.epoch = Number(db.exec(`SELECT MAX(id) FROM ${cp}.checkpt_v2`)[0]?.values[0]?.[0] ?? 0);
    });
  }

  /** A database 0.66 made has no epoch column: 0.88 adds it (migrate_add_epoch_column). */
  private addEpochColumn(): SqliteError | undefined {
    let exists = false;
    const failure = this.exec("querying table_info", () => (exists = this.db!.exec(SQL.epochColumn).length > 0));
    if (failure || exists) return failure;
    this.h.log("info", "adding epoch column to objects table");
    return this.exec("adding epoch column", () => this.db!.exec(SQL.addEpochColumn));
  }

  /** 0.66's checkpoint (table checkpt) becomes the first of checkpt_v2's, and the old table goes (content_sqlite_checkpt_migrate). */
  private migrateLegacyCheckpoint(): SqliteError | undefined {
    const db = this.db!;
    let legacy: unknown;
    let exists = false;
    const failure = this.exec("checkpt migrate: reading checkpt", () => {
      exists = db.exec(SQL.hasLegacyCheckpt).length > 0;
      if (exists) legacy = db.exec(SQL.legacyCheckptGet, [KVS_DEFAULT_CHECKPOINT])[0]?.values[0]?.[0];
    });
    if (failure || !exists) return failure;
    // no checkpoint stored: the table just goes
    if (legacy !== undefined && legacy !== null) {
      const put = this.exec("checkpt_put: executing stmt", () => this.stmts!.checkptPut.run([String(legacy)]));
      if (put) return put;
    }
    return this.exec("drop checkpt", () => db.exec(SQL.dropLegacyCheckpt));
  }

  /** The separate checkpoint database: journaling off, so a checkpoint needs no journal file either. */
  private checkpointDbSteps(): [string, string][] {
    return [
      [`opening ${this.disk.displayPath(CHECKPOINT_DB_FILE)}`, `ATTACH '${this.disk.path(CHECKPOINT_DB_FILE)}' AS checkpt`],
      ["setting checkpoint db 'journal_mode' pragma", "PRAGMA checkpt.journal_mode=OFF"],
      ["setting checkpoint db 'synchronous' pragma", "PRAGMA checkpt.synchronous=OFF"],
      ["setting checkpoint db 'locking_mode' pragma", "PRAGMA checkpt.locking_mode=EXCLUSIVE"],
    ];
  }

  /** Grow a new checkpoint database once, then free the pages again: later checkpoints reuse them without growing the file. */
  private preallocateSteps(): [string, string][] {
    if ((this.disk.file(CHECKPOINT_DB_FILE)?.bytes ?? 0) >= CHECKPOINT_DB_PREALLOC) return [];
    return [
      ["preallocating the checkpoint db", `CREATE TABLE checkpt.prealloc(x BLOB); INSERT INTO checkpt.prealloc VALUES (zeroblob(${CHECKPOINT_DB_PREALLOC - 16 * 1024}))`],
      ["preallocating the checkpoint db", "DROP TABLE checkpt.prealloc"],
    ];
  }

  /** Policy reserveBytes: hold a reserve file (if it is not there already and there is room for it). */
  private reserveSpace(): void {
    const bytes = this.knobs.reserveBytes;
    if (bytes <= 0 || this.disk.exists(RESERVE_FILE)) return;
    try {
      this.disk.writeWhole(RESERVE_FILE, new Uint8Array(bytes));
      this.h.log("info", `reserved ${bytes} bytes in ${this.disk.displayPath(RESERVE_FILE)}`);
    } catch {
      if (this.disk.exists(RESERVE_FILE)) this.disk.remove(RESERVE_FILE);
      this.h.log("warning", `could not reserve ${bytes} bytes: No space left on device`);
    }
  }

  /** Policy reserveBytes: give the reserve back to the filesystem. Returns whether there was one. */
  private releaseReserve(): boolean {
    const reserve = this.disk.remove(RESERVE_FILE);
    if (reserve) this.h.log("warning", `released ${reserve.bytes} bytes of reserved space after ENOSPC`);
    return reserve !== undefined;
  }

  /** What this module does on SQLITE_FULL besides answering ENOSPC, as the policy says. */
  private afterEnospc(): void {
    if (this.knobs.failHard) {
      this.h.log("crit", "No space left on device: stopping the instance (fail-hard)");
      this.h.rpc("broker.fail-hard", { module: this.name, errno: "ENOSPC" });
    }
    if (this.knobs.backingOnEnospc === "read-only" && !this.readOnly) this.setReadOnly(true, "after ENOSPC");
    if (this.knobs.backingOnEnospc === "close") {
      // sqlite3_close checkpoints the WAL into the database and removes it if it can: on a full disk it often cannot
      this.h.log("err", `closing ${this.dbfileShown} after ENOSPC: the next request reopens it`);
      this.closeDb();
    }
  }

  /**
   * Policy backingOnEnospc "close": a request that finds the database closed reopens it first, with the same steps as
   * at load. Answers the request with the reopen's errno, and returns false, while that fails.
   */
  private reopened(msg: Message): boolean {
    if (this.db) return true;
    const failure = this.openDb();
    if (failure) {
      this.closeDb();
      this.h.respondError(msg, failure.errno);
      return false;
    }
    this.h.log("info", `reopened ${this.dbfileShown}`);
    return true;
  }

  private setReadOnly(readOnly: boolean, why: string): void {
    this.readOnly = readOnly;
    this.h.log(readOnly ? "err" : "info", readOnly ? `read-only ${why}: stores and checkpoints now fail with EROFS` : `read-write ${why}`);
  }

  private onSetReadOnly(msg: Message): void {
    const readOnly = (msg.payload as { readonly?: unknown }).readonly;
    if (typeof readOnly !== "boolean") return this.h.respondError(msg, "EPROTO");
    if (readOnly !== this.readOnly) this.setReadOnly(readOnly, "on request");
    this.h.respond(msg, {});
  }

  private onValidate(msg: Message): void {
    const ref = msg.payload;
    if (!isBlobref(ref, this.hashName())) return this.h.respondError(msg, "EPROTO");
    if (!this.reopened(msg)) return;
    this.h.work(sqliteCost(0));
    if (this.peek(ref) === undefined) return this.h.respondError(msg, "ENOENT");
    this.h.respond(msg, {});
  }

  private closeDb(): void {
    if (this.stmts) for (const stmt of Object.values(this.stmts)) stmt?.free();
    this.stmts = undefined;
    try {
      this.db?.close();
    } catch {
      // closing can itself fail on a full disk (the WAL checkpoint); the data is in the WAL either way
    }
    this.db = undefined;
  }

  /** Run one SQLite call; on failure log "<site>: <errmsg>(<code>)" as content-sqlite does and return the mapped errno. */
  private exec(site: string, fn: () => void): SqliteError | undefined {
    try {
      fn();
      return undefined;
    } catch (e) {
      return this.failed(site, e);
    }
  }

  /** A statement failed at `site`: remember its errno and log it as content-sqlite does. */
  private failed(site: string, e: unknown): SqliteError {
    const failure = sqliteError(e);
    this.lastErrno = failure.errno;
    this.h.log("err", `${site}: ${failure.message}(${failure.code})`);
    return failure;
  }

  private hashName(): HashName {
    return this.knobs.contentHash;
  }

  private onLoad(msg: Message): void {
    const ref = msg.payload;
    if (!isBlobref(ref, this.hashName())) return this.h.respondError(msg, "EPROTO");
    if (!this.reopened(msg)) return;
    const stmt = this.stmts!.load;
    let row: [Uint8Array, number] | undefined;
    const failure = this.exec("load: executing stmt", () => {
      stmt.bind([digestOf(ref)]);
      if (stmt.step()) row = stmt.get() as [Uint8Array, number];
      stmt.reset();
    });
    if (failure) return this.h.respondError(msg, failure.errno);
    if (!row) return this.h.respondError(msg, "ENOENT");
    const [object, size] = row;
    const data = size === -1 ? object : lz4Decompress(object, size);
    this.loads++;
    this.h.work(sqliteCost(object.length));
    this.h.respond(msg, data);
  }

  /**
   * Damage for testing (garlick in #6236 asked for ways to inject such states): what an admin's
   * `sqlite3 content.sqlite "DELETE FROM objects WHERE hash = ..."` does to a statedir while Flux is down.
   */
  private onDeleteObject(msg: Message): void {
    const ref = msg.payload;
    if (!isBlobref(ref, this.hashName())) return this.h.respondError(msg, "EPROTO");
    if (!this.reopened(msg)) return;
    let deleted = 0;
    const failure = this.exec("delete-object: executing stmt", () => {
      this.db!.run("DELETE FROM content.objects WHERE hash = CAST(?1 AS TEXT)", [digestOf(ref)]);
      deleted = this.db!.getRowsModified();
    });
    if (failure) return this.h.respondError(msg, failure.errno);
    if (deleted === 0) return this.h.respondError(msg, "ENOENT");
    this.h.respond(msg, {});
  }

  private onStore(msg: Message): void {
    const data = msg.payload;
    if (!(data instanceof Uint8Array)) return this.h.respondError(msg, "EPROTO");
    if (this.readOnly) return this.h.respondError(msg, "EROFS");
    if (!this.reopened(msg)) return;
    const ref = blobref(this.hashName(), data);
    const compressed = data.length >= COMPRESSION_THRESHOLD;
    const object = compressed ? lz4Compress(data) : data;
    this.h.work(sqliteCost(object.length));
    const size = compressed ? data.length : -1;
    const key = digestOf(ref);
    const params = this.knobs.sqliteSchema === "v2" ? [key, size, object, this.epoch] : [key, size, object];
    let failure = this.insert(params);
    if (failure?.errno === "ENOSPC" && this.releaseReserve()) failure = this.insert(params);
    if (failure) {
      if (failure.errno === "ENOSPC") this.afterEnospc();
      return this.h.respondError(msg, failure.errno);
    }
    this.stores++;
    this.lastErrno = undefined;
    this.h.respond(msg, ref, ref);
  }

  private insert(params: (string | number | Uint8Array)[]): SqliteError | undefined {
    try {
      this.stmts!.store.run(params);
      return undefined;
    } catch (e) {
      // v1 has no ON CONFLICT clause: storing a blob that is already there is not an error
      if (/UNIQUE constraint failed/.test(String((e as Error).message))) return undefined;
      return this.failed("store: executing stmt", e);
    }
  }

  private onCheckpointGet(msg: Message): void {
    if (!this.reopened(msg)) return;
    const values: Checkpoint[] = [];
    const stmt = this.stmts!.checkptGet;
    const failure = this.exec("checkpt_get: executing stmt", () => {
      stmt.bind(this.knobs.sqliteSchema === "v1" ? [KVS_DEFAULT_CHECKPOINT] : []);
      while (stmt.step()) values.push(JSON.parse(String(stmt.get()[0])) as Checkpoint);
      stmt.reset();
    });
    if (failure) return this.h.respondError(msg, failure.errno, `${failure.message}(${failure.code})`);
    if (values.length === 0) return this.h.respondError(msg, "ENOENT");
    this.h.respond(msg, { value: values });
  }

  private onCheckpointPut(msg: Message): void {
    const value = (msg.payload as { value?: Checkpoint }).value;
    if (!value || typeof value.rootref !== "string") return this.h.respondError(msg, "EPROTO");
    if (this.readOnly) return this.h.respondError(msg, "EROFS");
    if (!this.reopened(msg)) return;
    const text = JSON.stringify(value);
    this.h.work(sqliteCost(text.length));
    const v1 = this.knobs.sqliteSchema === "v1";
    let failure = this.exec("checkpt_put: executing stmt", () => this.stmts!.checkptPut.run(v1 ? [KVS_DEFAULT_CHECKPOINT, text] : [text]));
    if (!failure && !v1) {
      this.epoch = Number(this.db!.exec("SELECT last_insert_rowid()")[0]?.values[0]?.[0] ?? this.epoch);
      this.h.log("debug", `checkpoint-put: advanced epoch to ${this.epoch}`);
      failure = this.exec("checkpt_prune: executing stmt", () => this.stmts!.checkptPrune!.run([this.knobs.maxCheckpoints]));
    }
    if (failure) {
      if (failure.errno === "ENOSPC") this.afterEnospc();
      return this.h.respondError(msg, failure.errno, `${failure.message}(${failure.code})`);
    }
    this.lastCheckpoint = value;
    this.h.respond(msg, {});
  }

  /** A stored blob, for display only: no message, no trace, no virtual time. */
  peek(ref: string): Uint8Array | undefined {
    const stmt = this.stmts?.load;
    if (!stmt) return undefined;
    try {
      stmt.bind([digestOf(ref)]);
      const row = stmt.step() ? (stmt.get() as [Uint8Array, number]) : undefined;
      return row && (row[1] === -1 ? row[0] : lz4Decompress(row[0], row[1]));
    } catch {
      return undefined;
    } finally {
      stmt.reset();
    }
  }

  /** What the page shows of the backing store; read-only. */
  snapshot(): ContentSqliteSnapshot {
    return { open: this.db !== undefined, readOnly: this.readOnly, lastErrno: this.lastErrno ?? null, lastCheckpoint: this.lastCheckpoint ?? null, stores: this.stores, loads: this.loads };
  }

  private onStats(msg: Message): void {
    if (!this.reopened(msg)) return;
    let count = 0;
    const failure = this.exec("stats: counting objects", () => {
      count = Number(this.db!.exec("SELECT count(1) FROM objects")[0]?.values[0]?.[0] ?? 0);
    });
    if (failure) return this.h.respondError(msg, failure.errno);
    const dbfile = this.disk.file(DB_FILE);
    this.h.respond(msg, {
      object_count: count,
      current_epoch: this.epoch,
      dbfile_size: dbfile?.bytes ?? 0,
      dbfile_free: this.disk.free,
      store_count: this.stores,
      load_count: this.loads,
      last_errno: this.lastErrno ?? null,
      config: { journal_mode: "WAL", synchronous: "NORMAL" },
    });
  }
}
