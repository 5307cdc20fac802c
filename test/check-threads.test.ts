/**
 * The CLI's checker threads (src/checker/check-threads.ts): a sequence run on a thread of its own, with a sql.js of
 * its own, has the outcome (promise broken, message, trace hash) it has when run here; a check on threads reports
 * what a check on this thread does, counterexample and all, since outcomes are taken in seed order.
 */
import { afterAll, describe, expect, it } from "vitest";
import { DesignChecker } from "../src/checker/check-design.ts";
import { CheckThreads } from "../src/checker/check-threads.ts";
import { SeedPool, type StartLane } from "../src/checker/seed-pool.ts";
import { Worker } from "node:worker_threads";
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

  it("fail a check whose thread dies mid-check, saying why, and refuse later seeds at once instead of waiting for good", async () => {
    // a thread that dies of its first seed, as one out of memory would: a real thread, really ended
    const dying: StartLane = (_onReply, onFailure) => {
      const worker = new Worker(`require("node:worker_threads").parentPort.on("message", () => process.exit(3));`, { eval: true });
      worker.on("exit", (code) => onFailure(`a checker thread exited with code ${code}`));
      return { send: (request) => worker.postMessage(request), terminate: () => worker.terminate() };
    };
    const pool = new SeedPool(1, dying);
    try {
      const check = new DesignChecker(await sqlReady, { policy: BREAKS, runs: 4, runner: pool.runner }).run();
      await expect(check).rejects.toThrow("a checker thread exited with code 3");
      await expect(pool.run(99)).rejects.toThrow("a checker thread exited with code 3");
    } finally {
      await pool.close();
    }
  }, 60_000);
});
