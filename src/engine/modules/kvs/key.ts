/**
 * A KVS key's path: on its own, without the transaction code, so that a script's realm checks keys without
 * loading the hashing the kvs needs (hash-wasm, instantiated at load: src/engine/common/blobref.ts).
 */

/** "a.b.c" -> ["a","b","c"]; empty components (leading, trailing, doubled dots) are ignored, as flux does. */
export function parseKey(key: string): string[] {
  const components = key.split(".");
  return components.includes("") ? components.filter((c) => c.length > 0) : components;
}
