/**
 * sql.js does not export Emscripten's FS, and the minified builds mangle its
 * names. The debug build keeps them; this one-line patch exports FS from it,
 * so the disk layer can put a quota under SQLite (toolchain.md §2), and three
 * more give its call glue the release build's speed. Every anchor is checked
 * so that an sql.js upgrade that moves one fails loudly here.
 */
import type { SqlJsStatic } from "sql.js";

export const FS_EXPORT_ANCHOR = 'Module["Database"] = Database;';
const FS_EXPORT =
  'Object.defineProperty(Module, "FS", { value: FS, configurable: true }); ' +
  // the WebAssembly heap's size, so tests can check that runs leave nothing behind in it
  'Object.defineProperty(Module, "heapBytes", { get: () => HEAP8.length, configurable: true });';
/** The debug build also logs Emscripten's own debug lines (heap resizes) with console.warn; this switch turns them off. */
export const RUNTIME_DEBUG_ANCHOR = "var runtimeDebug = true;";

/** The Emscripten FS and MEMFS surface the disk layer uses. */
export interface EmscriptenFS {
  root: FsNode & { mount: { type: Memfs } };
  ErrnoError: new (errno: number) => Error;
  isFile(mode: number): boolean;
  isDir(mode: number): boolean;
  lookupPath(path: string, opts?: object): { node: FsNode };
  mkdirTree(path: string): void;
  readFile(path: string): Uint8Array;
  writeFile(path: string, data: Uint8Array): void;
  unlink(path: string): void;
  rmdir(path: string): void;
  readdir(path: string): string[];
  open(path: string, flags: string): FsStream;
  write(stream: FsStream, buffer: Uint8Array, offset: number, length: number, position?: number): number;
  close(stream: FsStream): void;
  analyzePath(path: string): { exists: boolean };
  isLink(mode: number): boolean;
  symlink(target: string, path: string): void;
  readlink(path: string): string;
}

export interface FsNode {
  name: string;
  mode: number;
  parent: FsNode;
  usedBytes: number;
  contents: Uint8Array | Record<string, FsNode> | null;
}

export interface FsStream {
  node: FsNode;
}

export interface MemfsStreamOps {
  write: (stream: FsStream, buffer: Uint8Array, offset: number, length: number, position: number, canOwn?: boolean) => number;
  mmap: (stream: FsStream, length: number, position: number, prot: number, flags: number) => { ptr: number; allocated: boolean };
  msync: (stream: FsStream, buffer: Uint8Array, offset: number, length: number, flags: number) => number;
  close?: (stream: FsStream) => void;
}

/** MEMFS's directory operations that change what a directory holds. */
export interface MemfsDirNodeOps {
  mknod: (parent: FsNode, name: string, mode: number, dev: number) => FsNode;
  unlink: (parent: FsNode, name: string) => void;
  rmdir: (parent: FsNode, name: string) => void;
  symlink: (parent: FsNode, newName: string, oldPath: string) => FsNode;
  rename: (node: FsNode, newDir: FsNode, newName: string) => void;
}

export interface Memfs {
  ops_table: {
    file: {
      stream: MemfsStreamOps;
      node: { setattr: (node: FsNode, attr: { size?: number }) => void };
    };
    dir: { node: MemfsDirNodeOps };
  } | null;
  expandFileStorage(node: FsNode, newCapacity: number): void;
  resizeFileStorage(node: FsNode, newSize: number): void;
  getFileDataAsTypedArray(node: FsNode): Uint8Array;
}

export type SqlJsWithFS = SqlJsStatic & { FS: EmscriptenFS; readonly heapBytes: number; _free(ptr: number): void };

/**
 * The debug build's call glue, made what the release build's is (its `cwrap`
 * and its exports, read from sql-wasm.js): the debug `cwrap` sends every call
 * through `ccall`, which builds a conversion table and argument arrays per
 * call, and wraps every WebAssembly export in a checking closure that
 * copies its arguments. The release build calls a numbers-only function
 * directly. Between them they made 40 % of what a t0090 run allocated.
 */
const CWRAP_ANCHOR = `  var cwrap = (ident, returnType, argTypes, opts) => {
      return (...args) => ccall(ident, returnType, argTypes, args, opts);
    };`;
const RELEASE_CWRAP = `  var cwrap = (ident, returnType, argTypes, opts) => {
      var numericArgs = !argTypes || argTypes.every((type) => type === "number" || type === "boolean");
      if (returnType !== "string" && numericArgs && !opts) return getCFunc(ident);
      return (...args) => ccall(ident, returnType, argTypes, args, opts);
    };`;
const EXPORT_WRAPPER_ANCHOR = "function createExportWrapper(name, func, nargs) {\n  assert(func);\n";
const RELEASE_EXPORT = `${EXPORT_WRAPPER_ANCHOR}  return func;\n`;

/**
 * The debug build checks every integer the glue writes to the heap (checkInt,
 * 64 call sites: every file write and seek) and builds the three error texts
 * of each check before it knows whether one is needed: 21 % of what a t0090
 * run allocated, after the two patches above. The release build has no such
 * check.
 */
const CHECK_INT_ANCHOR = "function checkInt(value, bits, min, max) {\n";
const RELEASE_CHECK_INT = `${CHECK_INT_ANCHOR}  return;\n`;

/** Each anchor, found exactly once in the debug build, and what it becomes. */
const PATCHES: readonly [anchor: string, replacement: string][] = [
  [FS_EXPORT_ANCHOR, `${FS_EXPORT_ANCHOR}\n${FS_EXPORT}`],
  [RUNTIME_DEBUG_ANCHOR, "var runtimeDebug = false;"],
  [CWRAP_ANCHOR, RELEASE_CWRAP],
  [EXPORT_WRAPPER_ANCHOR, RELEASE_EXPORT],
  [CHECK_INT_ANCHOR, RELEASE_CHECK_INT],
];

export function patchSqlJsSource(text: string): string {
  for (const [anchor] of PATCHES) {
    const count = text.split(anchor).length - 1;
    if (count !== 1) {
      throw new Error(
        `sql.js patch: expected the anchor ${JSON.stringify(anchor)} once in the debug build, found it ${count} times; ` +
          "the sql.js version changed, re-check toolchain.md §2 before upgrading",
      );
    }
  }
  return PATCHES.reduce((patched, [anchor, replacement]) => patched.replace(anchor, replacement), text);
}

export function assertFsExported(sql: SqlJsStatic): SqlJsWithFS {
  const fs = (sql as { FS?: EmscriptenFS }).FS;
  if (!fs || typeof fs.lookupPath !== "function" || !fs.root?.mount?.type) {
    throw new Error("sql.js loaded without its FS: the debug build with the FS export patch is required");
  }
  return sql as SqlJsWithFS;
}
