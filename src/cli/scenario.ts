/**
 * npm run -s scenario -- FILE [--policy NAME] [--seed N] [--disk SIZE] [--json] [--timeout-ms N]   (--help: the options)
 *
 * Exit 0: the script ran to the end; 1: an expect failed or an error escaped
 * the script (or it was stopped); 2: bad input, with one line on stderr.
 */
import { readFileSync } from "node:fs";
import { oneFile, parseCommandLine, type CommandSpec } from "./command-line.ts";
import { policyArgument, type PolicySetting } from "../engine/policy/presets.ts";
import { formatSize } from "../engine/api/values.ts";
import { DEFAULT_TIMEOUT_MS, runScenarioInWorker } from "../runner/node-runner.ts";
import type { ScenarioResult } from "../runner/run-scenario.ts";

const COMMAND: CommandSpec = {
  name: "scenario",
  positionals: "FILE",
  about:
    "Runs one scenario script headless, as the page runs it, and prints its console and a summary.\n" +
    "Exit 0: the script ran to the end; 1: an expect failed or an error escaped the script (or it was stopped);\n" +
    "2: bad input, with one line on stderr.",
  options: {
    policy: { type: "string", value: "NAME|JSON", help: 'the policy instead of the script\'s: a preset, or knobs over one: \'{"preset":"read-only","rc3HoldFreeBytes":0}\'' },
    seed: { type: "string", value: "N", help: "the PRNG seed, instead of the script's" },
    disk: { type: "string", value: "SIZE", help: "the statedir's quota, e.g. 4MiB, instead of the script's" },
    json: { type: "boolean", help: "print the whole result as one JSON line (the scenario API's contract)" },
    "timeout-ms": { type: "string", value: "N", help: `wall-clock limit of the run (default ${DEFAULT_TIMEOUT_MS})` },
  },
};

const line = parseCommandLine(COMMAND);
const { badInput } = line;

const file = oneFile(line, COMMAND);
function policyOverride(): PolicySetting | undefined {
  const text = line.text("policy");
  try {
    return text === undefined ? undefined : policyArgument(text);
  } catch (e) {
    return badInput((e as Error).message);
  }
}
const policy = policyOverride();
const seed = line.wholeNumber("seed", Number.MIN_SAFE_INTEGER);
const timeoutMs = line.wholeNumber("timeout-ms", 1) ?? DEFAULT_TIMEOUT_MS;
const overrides = {
  ...(policy !== undefined ? { policy } : {}),
  ...(seed !== undefined ? { seed } : {}),
  ...(line.text("disk") !== undefined ? { disk: line.text("disk") } : {}),
};

// a reader that stops early (`| head`) is no failure of the run: end quietly, as other command-line tools do
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code !== "EPIPE") throw e;
  process.exit();
});

const result = await runScenarioInWorker(readFileSync(file, "utf8"), {
  overrides,
  timeoutMs,
  ...(line.flag("json") ? {} : { onLogs: (lines: string[]) => process.stdout.write(`${lines.join("\n")}\n`) }),
});

if (result.badInput) badInput(`${file}${result.error?.line ? `:${result.error.line}` : ""}: ${result.error?.message}`);
if (line.flag("json")) {
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
