// @vitest-environment node
/** A typo in scenario({...}) or in a call's options is one clear error naming the key, never silently ignored. */
import { describe, expect, it } from "vitest";
import { run } from "./helpers.ts";

describe("unknown keys", () => {
  it("refuse a setting scenario({...}) does not know, as bad input, naming the allowed ones", async () => {
    const r = await run(`scenario({ instanse: "system" }); await flux.start();`);
    expect(r.badInput).toBe(true);
    expect(r.error?.message).toBe('scenario(): unknown setting "instanse"; known: title, disk, policy, seed');
  });

  it.each([
    ["jobs.submit", `await jobs.submit(1, { atOnse: true })`, 'jobs.submit: unknown option "atOnse"; known: output, runtimeMs, concurrency, atOnce, cores, batchMs'],
    ["kvs.put", `await kvs.put("a", 1, { synch: true })`, 'kvs.put: unknown option "synch"; known: sync, noMerge, append'],
    ["kvs.commit", `await kvs.commit(kvs.txn().put("a", 1), { sycn: true })`, 'kvs.commit: unknown option "sycn"; known: sync, noMerge'],
    ["flux.fsck", `await flux.fsck({ repiar: true })`, 'flux.fsck: unknown option "repiar"; known: repair, rootref'],
    ["flux.dmesg", `flux.dmesg({ levle: "crit" })`, 'flux.dmesg: unknown option "levle"; known: source, level, match'],
  ])("refuse an option %s does not know", async (_call, line, message) => {
    const r = await run(`await flux.start();\n${line};`);
    expect(r.ok).toBe(false);
    expect(r.error?.message).toBe(message);
    expect(r.error?.line).toBe(2);
  });
});
