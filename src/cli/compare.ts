/**
 * npm run -s compare -- FILE [--json] [--timeout-ms N]
 *
 * Runs one scenario under every policy preset and prints, side by side, how
 * each call ended, the final state, the synced data a restart loses, fsck's
 * verdict and the disk used. Exit 0 when it could compare, 2 for bad input.
 */
import { readFileSync } from "node:fs";
import { oneFile, parseCommandLine, type CommandSpec } from "./command-line.ts";
import { Worker } from "node:worker_threads";
import { policyArgument } from "../engine/policy/presets.ts";
import { formatComparison, type Column, type PresetOutcome } from "../runner/compare.ts";
import { transpileScenario } from "../runner/transpile.ts";

const COMMAND: CommandSpec = {
  name: "compare",
  positionals: "FILE",
  about:
    "Runs one scenario under every policy preset and prints, side by side, how each call ended, the final state,\n" +
    "the synced data a restart loses, fsck's verdict and the disk used. Exit 0 when it could compare, 2 for bad input.",
  options: {
    policy: {
      type: "string",
      value: "NAME|JSON",
      multiple: true,
      help: "a column: a preset or a knob set ('{\"preset\":\"upstream\",\"checkpointPutFlushes\":false}'), or \"script\" for the script's own; default: every preset",
    },
    json: { type: "boolean", help: "print the comparison as one JSON line" },
    "timeout-ms": { type: "string", value: "N", help: "wall-clock limit of the whole comparison (default 60000)" },
  },
};

const line = parseCommandLine(COMMAND);
const { badInput } = line;
const file = oneFile(line, COMMAND);
const text = readFileSync(file, "utf8");
const syntax = transpileScenario(text).error;
if (syntax) badInput(`${file}${syntax.line ? `:${syntax.line}` : ""}: ${syntax.message}`);
const timeoutMs = line.wholeNumber("timeout-ms", 1) ?? 60_000;

function columns(): Column[] | undefined {
  const given = line.texts("policy");
  try {
    return given.length === 0 ? undefined : given.map((p) => (p === "script" ? undefined : policyArgument(p)));
  } catch (e) {
    return badInput((e as Error).message);
  }
}

const worker = new Worker(new URL("../runner/compare-worker-boot.mjs", import.meta.url), { workerData: { text, columns: columns() } });
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
  if (line.flag("json")) process.stdout.write(`${JSON.stringify({ outcomes, ms: Math.round(ms) })}\n`);
  else process.stdout.write(`${formatComparison(outcomes)}\n\n${outcomes.length} policies in ${Math.round(ms)} ms\n`);
  process.exit(0);
});
