// @vitest-environment node
/** A typo in scenario({...}) or in a call's options is one clear error naming the key, never silently ignored. */
import { describe, expect, it } from "vitest";
import { run } from "./helpers.ts";

describe("unknown keys", () => {
  it("refuse a setting scenario({...}) does not know, as bad input, naming the allowed ones", async () => {
    const r = await run(`scenario({ instanse: "system" }); await flux.start();`);
    expect(r.badInput).toBe(true);
    expect(r.error?.message).toBe('scenario(): unknown setting "instanse"; known: title, disk, policy, seed, limit, instance');
  });

  it("refuse settings that are not an object, as bad input, instead of running with the defaults", async () => {
    const r = await run(`scenario("system" as never); await flux.start(); log("ran");`);
    expect(r.badInput).toBe(true);
    expect(r.error?.message).toBe('scenario(): the settings are an object such as { title: ... }, got "system"');
    expect(r.logs).toEqual([]);
  });

  it("run nothing past the refused call", async () => {
    const r = await run(`await flux.start();\nlog("before");\nawait jobs.submit(1, { atOnse: true });\nlog("after");\n`);
    expect(r.ok).toBe(false);
    expect(r.logs).toEqual(["before"]);
    expect(r.error?.line).toBe(3);
  });

  it.each([
    ["jobs.submit", `await jobs.submit(1, { atOnse: true })`, 'jobs.submit: unknown option "atOnse"; known: output, runtimeMs, concurrency, atOnce, cores, batchMs'],
    ["kvs.put", `await kvs.put("a", 1, { synch: true })`, 'kvs.put: unknown option "synch"; known: sync, noMerge, append'],
    ["kvs.commit", `await kvs.commit(kvs.txn().put("a", 1), { sycn: true })`, 'kvs.commit: unknown option "sycn"; known: sync, noMerge'],
    ["flux.fsck", `await flux.fsck({ repiar: true })`, 'flux.fsck: unknown option "repiar"; known: repair, rootref'],
    ["flux.dmesg", `flux.dmesg({ levle: "crit" })`, 'flux.dmesg: unknown option "levle"; known: source, level, match'],
    ["txn.put", `kvs.txn().put("a", 1, { apend: true })`, 'txn.put: unknown option "apend"; known: append'],
    ["kvs.unlink", `await kvs.unlink("a", { snyc: true })`, 'kvs.unlink: unknown option "snyc"; known: sync, noMerge'],
    ["kvs.mkdir", `await kvs.mkdir("d", { noMarge: true })`, 'kvs.mkdir: unknown option "noMarge"; known: sync, noMerge'],
    ["kvs.symlink", `await kvs.symlink("l", "a", { sync: true, x: 1 })`, 'kvs.symlink: unknown option "x"; known: sync, noMerge'],
    ["a string for options", `await kvs.put("a", 1, "sync" as never)`, 'kvs.put: the options are an object such as { sync: ... }, got "sync"'],
    ["an array for options", `await jobs.submit(1, [] as never)`, "jobs.submit: the options are an object such as { output: ... }, got an array"],
  ])("refuse an option %s does not know", async (_call, line, message) => {
    const r = await run(`await flux.start();\n${line};`);
    expect(r.ok).toBe(false);
    expect(r.error?.message).toBe(message);
    expect(r.error?.line).toBe(2);
  });
});
