/**
 * One thread of check-threads.ts: a DesignChecker of its own on a sql.js of its own, running the seeds it is sent
 * one after another (never two at once: a run yields to the event loop while it goes, and two would share the
 * checker's scratch directory), answering each with its outcome.
 */
import { parentPort, workerData } from "node:worker_threads";
import { loadSqlJs } from "../engine/disk/sqljs-node.ts";
import { DesignChecker } from "./check-design.ts";
import type { ThreadCheck, ThreadReply, ThreadRequest } from "./check-threads.ts";

const checker = new DesignChecker(await loadSqlJs(), { ...(workerData as ThreadCheck), runs: 0 });
let queue = Promise.resolve();

parentPort!.on("message", ({ seed }: ThreadRequest) => {
  queue = queue.then(async () => {
    let reply: ThreadReply;
    try {
      reply = { seed, outcome: await checker.runSeed(seed) };
    } catch (e) {
      reply = { seed, error: (e as Error).message };
    }
    parentPort!.postMessage(reply);
  });
});
