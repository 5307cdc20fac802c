/** One thread of check-threads.ts: a DesignChecker of its own on a sql.js of its own, serving the seeds it is sent. */
import { parentPort, workerData } from "node:worker_threads";
import { loadSqlJs } from "../engine/disk/sqljs-node.ts";
import { DesignChecker } from "./check-design.ts";
import { laneServer, type ThreadCheck } from "./seed-pool.ts";

const checker = loadSqlJs().then((sql) => new DesignChecker(sql, { ...(workerData as ThreadCheck), runs: 0 }));
parentPort!.on("message", laneServer(checker, (reply) => parentPort!.postMessage(reply)));
