/**
 * The runner under fuzz: scripts written from the scenario API's own types
 * (test/fuzz/) with random calls and arguments of every type, unawaited
 * promises, thrown values of every kind and early returns run one after
 * another in one worker thread, each under a short time limit. Every one
 * must end with a result whose error, if any, is one clear line (never an
 * engine error, a raw SQLite error, "[object Object]" or several lines), and
 * the worker must live through all of them. FUZZ_RUNS sets how many.
 */
import { Worker } from "node:worker_threads";
import { afterAll, describe, expect, it } from "vitest";
import { readApiShape } from "./fuzz/api-shape.ts";
import type { FuzzOutcome } from "./fuzz/fuzz-worker.ts";
import { fuzzScript } from "./fuzz/scripts.ts";

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const BATCH = 100;
const TIME_LIMIT_MS = 500;

const worker = new Worker(new URL("./fuzz/fuzz-worker-boot.mjs", import.meta.url));
const died: string[] = [];
/** The batch in progress fails at once if the worker dies under it. */
let failBatch: ((e: Error) => void) | undefined;
worker.on("error", (e) => died.push(`error: ${e.message}`));
worker.on("exit", (code) => {
  died.push(`exit ${code}`);
  failBatch?.(new Error(`the worker died: ${died.join("; ")}`));
});
const ready = new Promise<void>((resolve) => worker.once("message", () => resolve()));
afterAll(() => {
  failBatch = undefined;
  return worker.terminate();
});

function runBatch(scripts: string[]): Promise<FuzzOutcome[]> {
  return new Promise((resolve, reject) => {
    failBatch = reject;
    worker.once("message", resolve);
    worker.postMessage({ scripts, timeLimitMs: TIME_LIMIT_MS });
  });
}

/** Why a message is not one clear line, or undefined when it is. */
function unclear(message: string): string | undefined {
  if (message.trim() === "") return "empty";
  if (message.includes("\n")) return "more than one line";
  if (/\[object \w*\]/.test(message)) return "[object ...]";
  if (/^internal error/.test(message)) return "an engine bug";
  if (/^(disk I\/O error|database or disk is full|database disk image|SQLITE)/i.test(message)) return "a raw SQLite error";
  if (/^(FS error|ErrnoError)/.test(message)) return "a raw filesystem error";
  if (message.length > 2000) return "too long";
  return undefined;
}

describe("the runner under fuzz", () => {
  it(`ends each of ${RUNS} generated scripts with a result and at most one clear line of error, in one worker that never dies`, async () => {
    const { members, txn } = readApiShape();
    await ready;
    const problems: string[] = [];
    const seen = { ok: 0, failed: 0, badInput: 0, timeLimit: 0 };
    for (let first = 1; first <= RUNS; first += BATCH) {
      const seeds = Array.from({ length: Math.min(BATCH, RUNS - first + 1) }, (_, i) => first + i);
      const scripts = seeds.map((seed) => fuzzScript(seed, members, txn));
      const outcomes = await runBatch(scripts);
      outcomes.forEach((o, i) => {
        if (o.ok) return void seen.ok++;
        seen[o.badInput ? "badInput" : "failed"]++;
        if (o.message?.includes("of wall-clock time, the run limit")) seen.timeLimit++;
        const why = o.message === undefined ? "no message" : unclear(o.message);
        if (why && problems.length < 10) problems.push(`seed ${seeds[i]}: ${why}: ${o.message}\n--- script ---\n${scripts[i]}`);
      });
    }
    expect(problems, problems.join("\n\n")).toEqual([]);
    expect(died).toEqual([]);
    // the generator must reach every way of ending
    expect(seen.ok).toBeGreaterThan(RUNS / 20);
    expect(seen.failed).toBeGreaterThan(RUNS / 4);
  }, Math.max(120_000, RUNS * 200));
});
