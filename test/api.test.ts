/** Scenario API details: value round-trips, bad input getting clear errors, expect, sizes, determinism. */
import { describe, expect as vexpect, it } from "vitest";
import { expect as scenarioExpect } from "../src/engine/api/expect.ts";
import { parseSize } from "../src/engine/api/values.ts";
import { run } from "./helpers.ts";

describe("values", () => {
  it("round-trip: strings, bytes and JSON come back as they were put", async () => {
    const r = await run(`
await flux.start();
const values = { s: "text", e: "", n: 42, f: 1.5, t: true, z: null, arr: [1, "two", { three: 3 }], obj: { a: { b: [null] } },
  bytes: new Uint8Array([0, 255, 7]), big: bytes(5000, 1), num: "42" };
for (const [k, v] of Object.entries(values)) await kvs.put("v." + k, v as KvsValue);
await flux.shutdown();
await flux.start();
for (const [k, v] of Object.entries(values)) expect(await kvs.get("v." + k)).toEqual(v);
expect(typeof (await kvs.get("v.num"))).toBe("string");
expect((await kvs.get("v.bytes")) instanceof Uint8Array).toBe(true);
await kvs.put("log", "a\\n");
await kvs.put("log", "b\\n", { append: true });
expect(await kvs.get("log")).toBe("a\\nb\\n");
`);
    vexpect(r.error).toBeUndefined();
  });

  it("treats every key component as a name, __proto__ and constructor included", async () => {
    const r = await run(`
await flux.start();
await expect(kvs.get("constructor")).rejects.toThrow("ENOENT");
await expect(kvs.get("d.toString")).rejects.toThrow("ENOENT");
await kvs.put("__proto__", "p");
await kvs.put("d.__proto__.constructor", 2);
expect(await kvs.get("__proto__")).toBe("p");
expect(await kvs.ls("d.__proto__")).toEqual(["constructor"]);
await kvs.unlink("d.__proto__.constructor");
expect(await kvs.ls("d.__proto__")).toEqual([]);
await flux.shutdown();
await flux.start();
expect(await kvs.ls(".")).toContain("__proto__");
expect(await kvs.get("__proto__")).toBe("p");
expect((await flux.fsck()).ok).toBe(true);
`);
    vexpect(r.error).toBeUndefined();
  });

  it("copies bytes at the client boundary, as a message would: changing an array later changes nothing stored", async () => {
    const r = await run(`
await flux.start();
const b = new Uint8Array(1000).fill(1);
await kvs.put("a", b);
b.fill(2);
await kvs.put("b", b);
expect((await kvs.get("a"))[0]).toBe(1);
expect((await kvs.get("b"))[0]).toBe(2);
const got = await kvs.get("a") as Uint8Array;
got.fill(9);
expect((await kvs.get("a"))[0]).toBe(1);
const blob = new Uint8Array([5, 6, 7]);
const ref = await content.store(blob);
blob[0] = 0;
expect(Array.from(await content.load(ref))).toEqual([5, 6, 7]);
(await content.load(ref))[0] = 0;
expect(Array.from(await content.load(ref))).toEqual([5, 6, 7]);
const txn = kvs.txn().put("t", b);
b.fill(3);
await kvs.commit(txn);
expect((await kvs.get("t"))[0]).toBe(2);
await content.flush();
expect((await flux.fsck()).ok).toBe(true);
`);
    vexpect(r.error).toBeUndefined();
  });

  it("gives a clear error, and loses nothing, for bad input to every part of the API", async () => {
    const r = await run(`
scenario({ disk: "1 MiB" });
await flux.start();
await kvs.put("keep", "me");
await expect(kvs.put("", 1)).rejects.toThrow(/invalid key/);
expect(() => kvs.txn().put(".", 1)).toThrow(/invalid key/);
await expect(kvs.put("u", undefined as never)).rejects.toThrow(/cannot store a value of type undefined/);
const loop: { self?: unknown } = {};
loop.self = loop;
await expect(kvs.put("u", loop as never)).rejects.toThrow(/cannot store this value as JSON: Converting circular structure/);
await expect(sim.advance(Infinity)).rejects.toThrow("got Infinity");
await expect(flux.start()).rejects.toThrow("flux start: the instance is already up (state run)");
await expect(flux.moduleRemove("kvs" as never)).rejects.toThrow('only content-sqlite can be removed here, not "kvs"');
await expect(content.store(42 as never)).rejects.toThrow("EPROTO");
await expect(content.load("sha1-xyz")).rejects.toThrow("EPROTO");
await expect(content.load("md5-0123")).rejects.toThrow("EPROTO");
expect(() => disk.fill("lots")).toThrow(/cannot read "lots" as a size/);
expect(() => disk.fill(1, "../escape")).toThrow(/invalid file name/);
expect(() => disk.remove("content.sqlite")).toThrow("disk.remove: content.sqlite: content-sqlite holds it open while the instance is run; flux.shutdown() first");
expect(() => disk.remove("nope")).toThrow("ENOENT");
expect(() => bytes(-1)).toThrow(/whole number/);
await expect(sim.advance(-5)).rejects.toThrow(/ms must be a number/);
await expect(flux.stats("nope" as never)).rejects.toThrow(/unknown module/);
await expect(flux.fsck({ repair: true })).rejects.toThrow("EBUSY");
await expect(kvs.get("a.b.c")).rejects.toThrow("a.b.c: No such file or directory");
await kvs.put("dir.x", 1);
await expect(kvs.get("dir")).rejects.toThrow("EISDIR");
await expect(kvs.put("dir.x.y", 1, { append: true })).resolves.toBeDefined();
expect(() => scenario({ disk: "2 MiB" })).toThrow(/must come before/);
expect(await kvs.get("keep")).toBe("me");
await flux.shutdown();
await expect(kvs.get("keep")).rejects.toThrow("ECONNREFUSED");
await expect(jobs.submit(1)).rejects.toThrow("ECONNREFUSED");
`);
    vexpect(r.error).toBeUndefined();
  });

  it("says when the script waits for a promise the simulation will never settle", async () => {
    const r = await run(`await new Promise(() => {});`);
    vexpect(r.ok).toBe(false);
    vexpect(r.error?.message).toMatch(/waits for a promise that nothing in the simulation will ever settle/);
  });

  it("is deterministic: the same text and seed give the same trace hash in one process", async () => {
    const text = `await flux.start();\nawait jobs.submit(3);\nawait kvs.put("r", bytes(3000));\nawait sim.advance(5000);\nflux.crash();\nawait flux.start();`;
    const a = await run(text);
    const b = await run(text);
    vexpect(a.ok).toBe(true);
    vexpect(b.traceHash).toBe(a.traceHash);
    vexpect(b.trace).toEqual(a.trace);
    vexpect((await run(text, { overrides: { seed: 2 } })).traceHash).not.toBe(a.traceHash);
  });
});

describe("expect", () => {
  it("matches errno exactly or a part of the message with rejects.toThrow", async () => {
    const err = Object.assign(new Error("content.flush: No space left on device"), { errno: "ENOSPC" });
    await scenarioExpect(Promise.reject(err)).rejects.toThrow("ENOSPC");
    await scenarioExpect(Promise.reject(err)).rejects.toThrow("No space");
    await scenarioExpect(Promise.reject(err)).rejects.toThrow(/flush/);
    await vexpect(scenarioExpect(Promise.reject(err)).rejects.toThrow("EIO")).rejects.toThrow(/expected an error matching "EIO"/);
    await vexpect(scenarioExpect(Promise.resolve(1)).rejects.toThrow()).rejects.toThrow(/resolved to 1/);
  });

  it("supports .not, deep equality of bytes, and readable failures", () => {
    scenarioExpect(new Uint8Array([1, 2])).toEqual(new Uint8Array([1, 2]));
    scenarioExpect(3).not.toBe(4);
    vexpect(() => scenarioExpect([1, 2]).toContain(3)).toThrow("expected [1,2] to contain 3");
    vexpect(() => scenarioExpect("a").not.toBe("a")).toThrow('expected "a" not to be "a"');
    const loop: { a: number; self?: unknown; list: unknown[] } = { a: 1, list: [] };
    loop.self = loop;
    loop.list.push(loop, { b: 2 });
    vexpect(() => scenarioExpect(loop).toBe(1)).toThrow('expected {"a":1,"list":["[circular]",{"b":2}],"self":"[circular]"} to be 1');
  });
});

describe("sizes", () => {
  it("reads the usual ways of writing a size", () => {
    vexpect(parseSize("8 MiB")).toBe(8 * 1024 * 1024);
    vexpect(parseSize("512KiB")).toBe(512 * 1024);
    vexpect(parseSize("1.5 GiB")).toBe(1.5 * 1024 ** 3);
    vexpect(parseSize("100 kB")).toBe(100_000);
    vexpect(parseSize(4096)).toBe(4096);
    vexpect(() => parseSize("big")).toThrow(/cannot read/);
    vexpect(() => parseSize(-1)).toThrow(/cannot read/);
  });
});
