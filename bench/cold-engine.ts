/**
 * node --import tsx bench/cold-engine.ts [--big] [--runs N]
 *
 * What a fresh realm pays for running the engine with none of its code compiled: one scenario (playground-scripts/
 * first.ts, or with --big the page bench's big run) run N times (default 4) in this one process, the CPU time of
 * each run (user + system, every thread: V8 compiles on threads of its own). The first run is what a scenario's realm
 * in the page pays on every run (issue 22: a fresh realm per run); the last ones are a warm engine's cost.
 * One JSON line: { scenario, events, cpu_ms: [...] }.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { loadSqlJs } from "../src/engine/disk/sqljs-node.ts";
import { runScenario } from "../src/runner/run-scenario.ts";
import { BIG_RUN } from "./workloads.ts";

const { values } = parseArgs({ options: { big: { type: "boolean" }, runs: { type: "string" } } });
const runs = Number(values.runs ?? 4);
const text = values.big ? BIG_RUN : readFileSync(new URL("../playground-scripts/first.ts", import.meta.url), "utf8");
const sql = await loadSqlJs();
const cpuMs: number[] = [];
let events = 0;
for (let i = 0; i < runs; i++) {
  const before = process.cpuUsage();
  events = (await runScenario(text, { sql, retainTrace: false })).events;
  const used = process.cpuUsage(before);
  cpuMs.push(Math.round((used.user + used.system) / 1000));
}
console.log(JSON.stringify({ scenario: values.big ? "big run" : "first.ts", events, cpu_ms: cpuMs }));
