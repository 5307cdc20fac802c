/**
 * The global object a scenario sees: the JavaScript built-ins and nothing else. The scenario API reaches the
 * script as the parameters of its function (run-scenario.ts), not as globals. Everything the worker's host put on
 * the global object and its prototypes (the network, storage of every kind — IndexedDB, Cache Storage, storage
 * buckets, the origin private file system —, fonts, locks, BroadcastChannel, more workers, timers,
 * postMessage, ...) is deleted before the script runs: an allowlist, so an API a browser adds tomorrow is not
 * there either. The engine took what it needs beforehand (src/engine/common/host.ts). Where a browser keeps a
 * name that cannot be deleted, the script does not run (fail closed): the caller gets the error.
 */

/** ECMAScript's global names (ES2026, with the proposals V8 ships), and the text codecs the API declares (scenario-lib.ts). */
export const BUILT_INS: readonly string[] = [
  "globalThis", "Infinity", "NaN", "undefined",
  "eval", "isFinite", "isNaN", "parseFloat", "parseInt", "decodeURI", "decodeURIComponent", "encodeURI", "encodeURIComponent", "escape", "unescape",
  "Object", "Function", "Array", "Number", "Boolean", "String", "Symbol", "BigInt", "Date", "RegExp", "Promise", "Proxy", "Reflect", "JSON", "Math", "Intl", "Atomics", "Iterator",
  "Error", "AggregateError", "EvalError", "RangeError", "ReferenceError", "SyntaxError", "TypeError", "URIError", "SuppressedError",
  "Map", "Set", "WeakMap", "WeakSet", "WeakRef", "FinalizationRegistry", "DisposableStack", "AsyncDisposableStack",
  "ArrayBuffer", "SharedArrayBuffer", "DataView",
  "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array", "Float16Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array",
  "TextEncoder", "TextDecoder",
];

/**
 * Constants a browser defines on a worker's global object so that they cannot be deleted (Chromium: the legacy
 * file system's TEMPORARY = 0 and PERSISTENT = 1). Numbers reach nothing; they stay, and only while they are numbers.
 */
export const INERT_CONSTANTS: readonly string[] = ["TEMPORARY", "PERSISTENT"];

const ALLOWED = new Set<PropertyKey>(BUILT_INS);

/** Delete every property of the global object that is not a built-in, and every property of its prototypes. */
export function keepOnlyBuiltIns(scope: object = globalThis): void {
  for (let o: object | null = scope; o !== null && o !== Object.prototype; o = Object.getPrototypeOf(o) as object | null) {
    for (const key of Reflect.ownKeys(o)) {
      if (o === scope && ALLOWED.has(key)) continue;
      if (Reflect.deleteProperty(o, key) || isInertConstant(o, key)) continue;
      throw new Error(`this browser keeps ${String(key)} on a worker's global object, where a scenario must not reach it: the scenario was not run`);
    }
  }
}

function isInertConstant(o: object, key: PropertyKey): boolean {
  const d = Object.getOwnPropertyDescriptor(o, key);
  return typeof key === "string" && INERT_CONSTANTS.includes(key) && d !== undefined && "value" in d && typeof d.value === "number" && !d.writable;
}
