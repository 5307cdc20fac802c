/**
 * Transaction merging through the scenario API: commits in flight at the same
 * time share a root unless they are synced or carry noMerge; the knob turns it
 * off; `flux module stats kvs` shows it; jobs run concurrently merge; bad
 * options are refused with one line.
 */
import { describe, expect, it } from "vitest";
import { run } from "./helpers.ts";

async function logsOf(script: string): Promise<string[]> {
  const result = await run(script, { retainTrace: false });
  expect(result.error).toBeUndefined();
  return result.logs;
}

/** A script that sends 20 one-key commits at once with `opts`, then logs how far the root advanced. */
const twentyAtOnce = (opts: string, policy = `"upstream"`) => `
scenario({ policy: ${policy} });
await flux.start();
const before = (await kvs.getroot()).sequence;
await Promise.all(Array.from({ length: 20 }, (_, i) => kvs.commit(kvs.txn().put("k" + i, i), ${opts})));
log((await kvs.getroot()).sequence - before);
`;

describe("transaction merging", () => {
  it("merges commits in flight at the same time, but never synced ones or those with noMerge", async () => {
    const [merged] = await logsOf(twentyAtOnce("{}"));
    expect(Number(merged)).toBeGreaterThan(1);
    expect(Number(merged)).toBeLessThan(20);
    expect(await logsOf(twentyAtOnce("{ noMerge: true }"))).toEqual(["20"]);
    expect(await logsOf(twentyAtOnce("{ sync: true }"))).toEqual(["20"]);
    expect(await logsOf(twentyAtOnce("{}", `{ preset: "upstream", transactionMerge: false }`))).toEqual(["20"]);
  });

  it("shows in flux module stats kvs: the store revision advances by fewer than the commits counted, and dmesg says aggregated", async () => {
    const [stats, aggregated] = await logsOf(`
await flux.start();
await Promise.all(Array.from({ length: 50 }, (_, i) => kvs.put("dir.k" + i, i)));
const s = await flux.stats("kvs");
log(JSON.stringify({ revision: s.namespace.primary["store revision"], commits: s["transaction-opcount"].commit.count, ready: s.namespace.primary["#readytransactions"] }));
log(flux.dmesg("aggregated").length > 0);
`);
    const { revision, commits, ready } = JSON.parse(stats!);
    expect(commits).toBe(53); // rc1's start event, resource.R and resource-define, and the 50 puts
    expect(revision).toBeLessThan(commits);
    expect(ready).toBe(0);
    expect(aggregated).toBe("true");
  });

  it("runs jobs concurrently: the same jobs, their commits merged into fewer roots", async () => {
    const script = (opts: string) => `
scenario({ disk: "64 MiB" });
await flux.start();
const before = (await kvs.getroot()).sequence;
const { ids, output } = await jobs.submit(12${opts});
log(ids.length, new Set(output).size, (await kvs.getroot()).sequence - before);
for (const id of ids) expect(String(await kvs.get("job." + id + ".eventlog"))).toContain('"name":"clean"');
`;
    const [sequential] = await logsOf(script(""));
    const [concurrent] = await logsOf(script(", { concurrency: 6 }"));
    const [n, outputs, roots] = concurrent!.split(" ").map(Number);
    expect(sequential).toBe("12 1 132"); // 11 commits per job, one root each
    expect([n, outputs]).toEqual([12, 1]);
    expect(roots).toBeLessThan(132);
  });

  it("refuses bad options with one line and loses nothing", async () => {
    const result = await run(`
await flux.start();
await expect(kvs.put("a", 1, { noMerge: "yes" })).rejects.toThrow('kvs.put("a"): noMerge must be true or false, got "yes"');
await expect(kvs.commit(kvs.txn().put("a", 1), { sync: 1 })).rejects.toThrow("sync must be true or false, got 1");
await expect(jobs.submit(2, { concurrency: 1001 })).rejects.toThrow("jobs.submit: concurrency must be a whole number from 1 to 1000, got 1001");
await expect(jobs.submit(2, { concurrency: 0 })).rejects.toThrow("got 0");
await expect(jobs.submit(2, { concurrency: 2.5 })).rejects.toThrow("got 2.5");
await expect(kvs.get("a")).rejects.toThrow("ENOENT");
expect((await jobs.submit(3, { concurrency: 1000 })).ids).toHaveLength(3);
`);
    expect(result.error).toBeUndefined();
    const bad = await run(`scenario({ policy: { preset: "upstream", transactionMerge: "on" } });`);
    expect(bad.error?.message).toBe('scenario(): knob transactionMerge is true or false, got "on"');
  });
});
