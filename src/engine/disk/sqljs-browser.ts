/**
 * Load the patched sql.js debug build in a browser (the page's workers). The WebAssembly is compiled once, by the
 * engine's worker, and each realm that runs an engine (a scenario's own worker, src/worker/script-worker.ts) is
 * handed the compiled module and instantiates it: no second download or compile per run.
 *
 * sql.js reads `performance` (its clock) and `crypto` (its random device) while it runs; it gets them as names of
 * its own, captured at start-up (host.ts), because a scenario's realm has neither on its global object.
 */
import type { SqlJsStatic } from "sql.js";
import source from "sql.js/dist/sql-wasm-browser-debug.js?raw";
import wasmUrl from "sql.js/dist/sql-wasm-browser-debug.wasm?url";
import { host } from "../common/host.ts";
import { assertFsExported, patchSqlJsSource, type SqlJsWithFS } from "./sqljs-patch.ts";

let compiling: Promise<WebAssembly.Module> | undefined;
let loading: Promise<SqlJsWithFS> | undefined;

/** sql.js's WebAssembly, compiled (once per realm that asks; a module can be posted to another worker). */
export function compileSqlWasm(): Promise<WebAssembly.Module> {
  // absolute: the worker may run from a blob: URL, against which a relative URL means nothing
  compiling ??= fetch(new URL(wasmUrl, import.meta.url).href)
    .then((r) => r.arrayBuffer())
    .then((bytes) => WebAssembly.compile(bytes));
  return compiling;
}

/** sql.js on `wasm` (compiled elsewhere), or on this realm's own compile of it. */
export function loadSqlJs(wasm?: WebAssembly.Module): Promise<SqlJsWithFS> {
  loading ??= load(wasm ?? compileSqlWasm());
  return loading;
}

async function load(wasm: WebAssembly.Module | Promise<WebAssembly.Module>): Promise<SqlJsWithFS> {
  const compiled = await wasm;
  const module = { exports: {} as unknown };
  new Function("module", "exports", "performance", "crypto", patchSqlJsSource(source))(module, module.exports, host.performance, host.crypto);
  const initSqlJs = module.exports as (config: object) => Promise<SqlJsStatic>;
  const instantiateWasm = (imports: WebAssembly.Imports, ready: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) => {
    void WebAssembly.instantiate(compiled, imports).then((instance) => ready(instance, compiled));
    return {}; // Emscripten: the exports come later, through ready()
  };
  const sql = await initSqlJs({ instantiateWasm, print: () => {}, printErr: () => {} });
  return assertFsExported(sql);
}
