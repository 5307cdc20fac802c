/**
 * npm run -s compare -- FILE [--json] [--timeout-ms N]
 *
 * Runs one scenario under every policy preset and prints, side by side, how
 * each call ended, the final state, the synced data a restart loses, fsck's
 * verdict and the disk used. Exit 0 when it could compare, 2 for bad input.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { parseArgs } from "node:util";
import { Worker } from "node:worker_threads";
import { formatComparison, type PresetOutcome } from "../runner/compare.ts";
import { transpileScenario } from "../runner/transpile.ts";

function badInput(reason: string): never {
  process.stderr.write(`compare: ${reason}\n`);
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({ allowPositionals: true, options: { json: { type: "boolean", default: false }, "timeout-ms": { type: "string" } } });
} catch (e) {
  badInput((e as Error).message);
}
const { values, positionals } = parsed;
if (positionals.length !== 1) badInput("usage: npm run -s compare -- FILE [--json] [--timeout-ms N]");
const file = positionals[0]!;
if (!existsSync(file) || !statSync(file).isFile()) badInput(`no such file: ${file}`);
const text = readFileSync(file, "utf8");
const syntax = transpileScenario(text).error;
if (syntax) badInput(`${file}${syntax.line ? `:${syntax.line}` : ""}: ${syntax.message}`);
const timeoutMs = Number(values["timeout-ms"] ?? 60_000);
if (!Number.isInteger(timeoutMs) || timeoutMs < 1) badInput(`--timeout-ms must be a whole number >= 1, got "${values["timeout-ms"]}"`);

const worker = new Worker(new URL("../runner/compare-worker-boot.mjs", import.meta.url), { workerData: { text } });
const timer = setTimeout(() => {
  process.stderr.write(`compare: stopped after ${timeoutMs} ms of wall-clock time (raise it with --timeout-ms)\n`);
  process.exit(1);
}, timeoutMs);
worker.on("error", (e) => {
  process.stderr.write(`compare: ${e.message}\n`);
  process.exit(1);
});
worker.on("message", ({ outcomes, ms }: { outcomes: PresetOutcome[]; ms: number }) => {
  clearTimeout(timer);
  if (values.json) process.stdout.write(`${JSON.stringify({ outcomes, ms: Math.round(ms) })}\n`);
  else process.stdout.write(`${formatComparison(outcomes)}\n\n${outcomes.length} presets in ${Math.round(ms)} ms\n`);
  process.exit(0);
});
