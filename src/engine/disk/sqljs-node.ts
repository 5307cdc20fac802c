/** Load the patched sql.js debug build in Node (CLI, tests, benchmarks). */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import type { SqlJsStatic } from "sql.js";
import { assertFsExported, patchSqlJsSource, type SqlJsWithFS } from "./sqljs-patch.ts";

let loading: Promise<SqlJsWithFS> | undefined;

export function loadSqlJs(): Promise<SqlJsWithFS> {
  loading ??= load();
  return loading;
}

async function load(): Promise<SqlJsWithFS> {
  const require = createRequire(import.meta.url);
  const jsPath = require.resolve("sql.js/dist/sql-wasm-debug.js");
  const wasmPath = require.resolve("sql.js/dist/sql-wasm-debug.wasm");
  const module = { exports: {} as unknown };
  const factory = new Function("module", "exports", "require", "__filename", "__dirname", patchSqlJsSource(readFileSync(jsPath, "utf8")));
  factory(module, module.exports, require, jsPath, dirname(jsPath));
  const initSqlJs = module.exports as (config: object) => Promise<SqlJsStatic>;
  // Silence the debug build's console chatter; errors still reach us as exceptions.
  const sql = await initSqlJs({ wasmBinary: readFileSync(wasmPath), print: () => {}, printErr: () => {} });
  return assertFsExported(sql);
}
