/**
 * npm run -s scenario -- FILE [--policy NAME] [--seed N] [--disk SIZE] [--json] [--timeout-ms N]
 *
 * Exit 0: the script ran to the end; 1: an expect failed or an error escaped
 * the script (or it was stopped); 2: bad input, with one line on stderr.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { parseArgs } from "node:util";
import { resolvePolicy } from "../engine/policy/presets.ts";
import { formatSize } from "../engine/api/values.ts";
import { DEFAULT_TIMEOUT_MS, runScenarioInWorker } from "../runner/node-runner.ts";
import type { ScenarioResult } from "../runner/run-scenario.ts";

function badInput(reason: string): never {
  process.stderr.write(`scenario: ${reason}\n`);
  process.exit(2);
}

function parse() {
  try {
    return parseArgs({
      allowPositionals: true,
      options: {
        policy: { type: "string" },
        seed: { type: "string" },
        disk: { type: "string" },
        json: { type: "boolean", default: false },
        "timeout-ms": { type: "string" },
      },
    });
  } catch (e) {
    return badInput((e as Error).message);
  }
}

function integer(text: string | undefined, what: string, min: number): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) badInput(`${what} must be a whole number >= ${min}, got "${text}"`);
  return n;
}

const { values, positionals } = parse();
if (positionals.length !== 1) badInput("usage: npm run -s scenario -- FILE [--policy NAME] [--seed N] [--disk SIZE] [--json] [--timeout-ms N]");
const file = positionals[0]!;
if (!existsSync(file) || !statSync(file).isFile()) badInput(`no such file: ${file}`);
if (values.policy !== undefined) {
  try {
    resolvePolicy(values.policy as never);
  } catch (e) {
    badInput((e as Error).message);
  }
}
const seed = integer(values.seed, "--seed", Number.MIN_SAFE_INTEGER);
const timeoutMs = integer(values["timeout-ms"], "--timeout-ms", 1) ?? DEFAULT_TIMEOUT_MS;
const overrides = {
  ...(values.policy !== undefined ? { policy: values.policy } : {}),
  ...(seed !== undefined ? { seed } : {}),
  ...(values.disk !== undefined ? { disk: values.disk } : {}),
};

// a reader that stops early (`| head`) is no failure of the run: end quietly, as other command-line tools do
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code !== "EPIPE") throw e;
  process.exit();
});

const result = await runScenarioInWorker(readFileSync(file, "utf8"), {
  overrides,
  timeoutMs,
  ...(values.json ? {} : { onLogs: (lines: string[]) => process.stdout.write(`${lines.join("\n")}\n`) }),
});

if (result.badInput) badInput(`${file}${result.error?.line ? `:${result.error.line}` : ""}: ${result.error?.message}`);
if (values.json) {
  const { badInput: _b, policy: _p, seed: _s, ...contract } = result;
  process.stdout.write(`${JSON.stringify(contract)}\n`);
} else {
  process.stdout.write(summary(file, result));
}
// not process.exit(): into a pipe, stdout is written asynchronously, and exiting now would cut a long line short
process.exitCode = result.ok ? 0 : 1;

function summary(path: string, r: ScenarioResult): string {
  const where = r.error?.line ? `${path}:${r.error.line}` : path;
  const head = r.ok ? `ok: ${path} ran to the end` : `FAILED: ${where}: ${r.error?.message}`;
  const detail = `policy ${r.policy}, seed ${r.seed}; ${r.events} trace events, trace hash ${r.traceHash || "-"}; disk ${formatSize(r.disk.used)} of ${formatSize(r.disk.quota)} used; instance ${r.state}`;
  return `${head}\n  ${detail}\n`;
}
