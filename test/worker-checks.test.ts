/**
 * The checks at the two untrusted edges (src/worker/script-protocol.ts: what a script's realm sends the engine;
 * src/ui/reply-check.ts: what an engine worker sends the page): every real message passes, and generated and
 * mutated ones either pass as something the other side can use or are refused with the checks' own error, never
 * a crash of another kind.
 */
import { describe, expect, it } from "vitest";
import { Prng } from "../src/engine/sim/prng.ts";
import { BadScriptMessage, checkEnd, checkEntry, type ScriptMessage } from "../src/worker/script-protocol.ts";
import { runForReplay } from "../src/worker/script-run.ts";
import { transpileScenario } from "../src/runner/transpile.ts";
import { BadReply, checkReply, RunBudget } from "../src/ui/reply-check.ts";
import { Recorder } from "../src/worker/recorder.ts";
import { script, sqlReady, run } from "./helpers.ts";
import type { WorkerReply } from "../src/worker/protocol.ts";

const WEIRD: unknown[] = [null, undefined, 0, -1, 1.5, NaN, Infinity, "", "x".repeat(3000), true, [], {}, [1], { a: 1 }, new Uint8Array(2), () => 1, Symbol("s"), 10n, Object.create(null)];

/** `value` with one field somewhere replaced by something odd, or removed, or one added. */
function mutate(value: unknown, rng: Prng): unknown {
  if (typeof value !== "object" || value === null || value instanceof Uint8Array) return WEIRD[rng.int(0, WEIRD.length - 1)];
  // (indices, not the iterator: a mutation may have given the array a prototype without one)
  const copy: Record<string, unknown> | unknown[] = Array.isArray(value) ? Array.from({ length: value.length }, (_, i) => (value as unknown[])[i]) : { ...(value as Record<string, unknown>) };
  const keys = Object.keys(copy);
  const roll = rng.int(0, 9);
  if (keys.length === 0 || roll === 0) (copy as Record<string, unknown>)[["extra", "__proto__", "constructor", "kind"][rng.int(0, 3)]!] = WEIRD[rng.int(0, WEIRD.length - 1)];
  else {
    const key = keys[rng.int(0, keys.length - 1)]!;
    if (roll === 1) delete (copy as Record<string, unknown>)[key];
    else (copy as Record<string, unknown>)[key] = rng.int(0, 2) === 0 ? WEIRD[rng.int(0, WEIRD.length - 1)] : mutate((copy as Record<string, unknown>)[key], rng);
  }
  return copy;
}

/** Throws only `kind` of error: a check refuses, it does not crash. */
function refusesOnly(kind: new (...args: never[]) => Error, check: () => unknown): void {
  try {
    check();
  } catch (e) {
    if (!(e instanceof kind)) throw new Error(`crashed instead of refusing: ${(e as Error).stack}`);
  }
}

async function scriptMessages(text: string): Promise<ScriptMessage[]> {
  const messages: ScriptMessage[] = [];
  await runForReplay({ compiled: transpileScenario(text), overrides: {} }, await sqlReady, (m) => messages.push(structuredClone(m)));
  return messages;
}

describe("what a script's realm sends", () => {
  it("passes for every entry of real runs, and refuses 20 000 mutations of them with its own error only", async () => {
    const messages = [...(await scriptMessages(script("playground-scripts/first.ts"))), ...(await scriptMessages(script("playground-scripts/crash-recovery.ts")))];
    const entries = messages.flatMap((m) => (m.type === "entries" ? m.entries : []));
    const ends = messages.filter((m) => m.type === "end");
    expect(entries.length).toBeGreaterThan(50);
    for (const entry of entries) expect(checkEntry(entry)).toEqual(entry);
    for (const end of ends) expect(checkEnd(end)).toBe(end);
    const rng = new Prng(22);
    let refused = 0;
    for (let n = 0; n < 20_000; n++) {
      const target = n % 10 === 0 ? ends[n % ends.length]! : entries[rng.int(0, entries.length - 1)]!;
      const mutated = mutate(mutate(target, rng), rng);
      refusesOnly(BadScriptMessage, () => (n % 10 === 0 ? checkEnd(mutated) : checkEntry(mutated)));
      try {
        void (n % 10 === 0 ? checkEnd(mutated) : checkEntry(mutated));
      } catch {
        refused++;
      }
    }
    expect(refused).toBeGreaterThan(10_000);
  });

  it("refuses fsck's own transaction step and fields an operation does not have", () => {
    expect(() => checkEntry({ kind: "op", op: { op: "kvs.commit", ops: [{ op: "link", key: "a", treeobj: {} }], sync: undefined, noMerge: undefined }, outcome: { promise: true } })).toThrow(BadScriptMessage);
    expect(() => checkEntry({ kind: "op", op: { op: "log", text: "x", line: undefined, more: 1 }, outcome: { value: undefined } })).toThrow(BadScriptMessage);
    expect(() => checkEntry({ kind: "op", op: { op: "kvs.put", key: "a", value: [1], append: false, sync: undefined, noMerge: undefined }, outcome: { promise: true } })).toThrow(BadScriptMessage);
    expect(() => checkEnd({ type: "end", ending: {}, traceHash: 7, events: 1, epilogue: false })).toThrow(BadScriptMessage);
  });
});

describe("what an engine worker sends the page", () => {
  async function replies(): Promise<WorkerReply[]> {
    // a run that starts again (a put its realm settled failed) says so before its chunks come again
    const out: WorkerReply[] = [{ type: "ready" }, { type: "restart", id: 1 }];
    const recorder = new Recorder((chunk) => out.push(structuredClone({ type: "chunk", id: 1, ...chunk, summary: undefined })));
    const result = await run(script("playground-scripts/first.ts"), { onBroker: (b) => recorder.attach(b), retainTrace: false });
    recorder.flush();
    out.push({ type: "end", id: 1, result, ms: 5 });
    return out;
  }

  it("passes for a real run's messages, and refuses 20 000 mutations with its own error only", async () => {
    const real = await replies();
    for (const reply of real) expect(checkReply(reply, new RunBudget())).toBe(reply);
    const rng = new Prng(9);
    for (let n = 0; n < 20_000; n++) {
      const mutated = mutate(mutate(real[rng.int(0, real.length - 1)], rng), rng);
      refusesOnly(BadReply, () => checkReply(mutated, new RunBudget()));
    }
  });

  it("refuses a result whose trace hash is not a string or whose disk is null, and a console past its bound", async () => {
    const [, , ...rest] = await replies();
    const end = rest.at(-1) as Extract<WorkerReply, { type: "end" }>;
    expect(() => checkReply({ ...end, result: { ...end.result, traceHash: 5 } })).toThrow(BadReply);
    expect(() => checkReply({ ...end, result: { ...end.result, disk: null } })).toThrow(BadReply);
    const line = { kind: "console", t: 0, text: "x".repeat(10_000) };
    const budget = new RunBudget();
    const chunk = { type: "chunk", id: 1, events: Array.from({ length: 1000 }, () => line), frames: [], trees: {}, summary: undefined };
    expect(() => {
      for (let n = 0; n < 2000; n++) checkReply(chunk, budget);
    }).toThrow(/characters of console/);
  });
});
