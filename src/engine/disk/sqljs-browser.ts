/** Load the patched sql.js debug build in a browser (the page's Web Worker). */
import type { SqlJsStatic } from "sql.js";
import source from "sql.js/dist/sql-wasm-browser-debug.js?raw";
import wasmUrl from "sql.js/dist/sql-wasm-browser-debug.wasm?url";
import { assertFsExported, patchSqlJsSource, type SqlJsWithFS } from "./sqljs-patch.ts";

let loading: Promise<SqlJsWithFS> | undefined;

export function loadSqlJs(): Promise<SqlJsWithFS> {
  loading ??= load();
  return loading;
}

async function load(): Promise<SqlJsWithFS> {
  const module = { exports: {} as unknown };
  new Function("module", "exports", patchSqlJsSource(source))(module, module.exports);
  const initSqlJs = module.exports as (config: object) => Promise<SqlJsStatic>;
  // absolute: the worker may run from a blob: URL, against which a relative URL means nothing
  const sql = await initSqlJs({ locateFile: () => new URL(wasmUrl, import.meta.url).href, print: () => {}, printErr: () => {} });
  return assertFsExported(sql);
}
