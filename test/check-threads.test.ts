/**
 * The CLI's checker threads (src/checker/check-threads.ts): a sequence run on a thread of its own, with a sql.js of
 * its own, has the outcome (promise broken, message, trace hash) it has when run here; a check on threads reports
 * what a check on this thread does, counterexample and all, since outcomes are taken in seed order.
 */
import { afterAll, describe, expect, it } from "vitest";
import { DesignChecker } from "../src/checker/check-design.ts";
import { CheckThreads } from "../src/checker/check-threads.ts";
import { sqlReady } from "./helpers.ts";

const BREAKS = { preset: "upstream", checkpointPutFlushes: false } as const;
const threads = new CheckThreads({ policy: BREAKS }, 2);
afterAll(() => threads.close());

describe("checker threads", () => {
  it("give each seed the outcome it has on this thread", async () => {
    const here = new DesignChecker(await sqlReady, { policy: BREAKS, runs: 0 });
    const seeds = [1, 2, 3, 4, 10];
    const there = await Promise.all(seeds.map((seed) => threads.run(seed)));
    for (const [i, seed] of seeds.entries()) expect(there[i], `seed ${seed}`).toEqual(await here.runSeed(seed));
    // seed 10 is this design's first break (a dangling checkpoint): a thread sees it as this thread does
    expect(there.at(-1)?.broken).toBe("checkpoint");
  }, 180_000);

  it("make the same report as this thread, counterexample included", async () => {
    const check = { policy: BREAKS, runs: 12 };
    const alone = await new DesignChecker(await sqlReady, check).run();
    const shared = await new DesignChecker(await sqlReady, { ...check, runner: threads.runner }).run();
    expect(shared).toEqual(alone);
    expect(alone.failure?.ops.map((o) => o.op)).toEqual(["fill", "put", "sync-put"]);
  }, 180_000);
});
