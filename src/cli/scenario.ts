/**
 * npm run -s scenario -- FILE [--policy NAME] [--seed N] [--disk SIZE] [--statedir DIR] [--save-statedir DIR] [--json] [--timeout-ms N]
 *   (--help: the options)
 *
 * Exit 0: the script ran to the end; 1: an expect failed or an error escaped
 * the script (or it was stopped); 2: bad input, with one line on stderr.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { STATEDIR_FILE_NAMES, type SavedStatedir, type StatedirImage } from "../engine/disk/statedir-image.ts";
import { oneFile, parseCommandLine, type CommandSpec } from "./command-line.ts";
import { policyArgument, type PolicySetting } from "../engine/policy/presets.ts";
import { formatSize } from "../engine/api/values.ts";
import { runLimit, writtenLimit } from "../engine/api/run-limit.ts";
import { scenarioLiteral } from "../share/scenario-literal.ts";
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
    statedir: { type: "string", value: "DIR", help: `start from this statedir (its ${STATEDIR_FILE_NAMES.join(", ")}; other files are left out), e.g. one real flux-core wrote` },
    "save-statedir": { type: "string", value: "DIR", help: "at the end, write the statedir's files into DIR as the quota filesystem holds them, a system instance's dump/ and RESTORE link included (flux start -Sstatedir=DIR opens it)" },
    json: { type: "boolean", help: "print the whole result as one JSON line (the scenario API's contract)" },
    "timeout-ms": { type: "string", value: "N", help: `wall-clock limit of the run in ms, instead of the script's scenario({ limit }) (default ${DEFAULT_TIMEOUT_MS})` },
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
const text = readFileSync(file, "utf8");
const timeoutMs = line.wholeNumber("timeout-ms", 1) ?? scriptLimitMs();
const overrides = {
  ...(policy !== undefined ? { policy } : {}),
  ...(seed !== undefined ? { seed } : {}),
  ...(line.text("disk") !== undefined ? { disk: line.text("disk") } : {}),
  ...(line.text("statedir") !== undefined ? { statedir: readStatedir(line.text("statedir")!) } : {}),
};
const saveTo = line.text("save-statedir");

// a reader that stops early (`| head`) is no failure of the run: end quietly, as other command-line tools do
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code !== "EPIPE") throw e;
  process.exit();
});

const result = await runScenarioInWorker(text, {
  overrides,
  timeoutMs,
  saveStatedir: saveTo !== undefined,
  ...(line.flag("json") ? {} : { onLogs: (lines: string[]) => process.stdout.write(`${lines.join("\n")}\n`) }),
});

if (result.badInput) badInput(`${file}${result.error?.line ? `:${result.error.line}` : ""}: ${result.error?.message}`);
const saved = saveTo === undefined || saveStatedir(saveTo, result.statedir);
if (line.flag("json")) {
  const { badInput: _b, policy: _p, seed: _s, instance: _i, ...contract } = result; // design §3: exactly the contract's keys
  process.stdout.write(`${JSON.stringify(contract)}\n`);
} else {
  process.stdout.write(summary(file, result));
}
// not process.exit(): into a pipe, stdout is written asynchronously, and exiting now would cut a long line short
process.exitCode = result.ok && saved ? 0 : 1;

/** The script's scenario({ limit }) in ms; a limit that cannot be used is one line on stderr, and the run goes with the default. */
function scriptLimitMs(): number {
  const limit = runLimit("", writtenLimit(scenarioLiteral(text)));
  if (limit.problem) process.stderr.write(`${file}: ${limit.problem}\n`);
  return limit.seconds * 1000;
}

function summary(path: string, r: ScenarioResult): string {
  const where = r.error?.line ? `${path}:${r.error.line}` : path;
  const head = r.ok ? `ok: ${path} ran to the end` : `FAILED: ${where}: ${r.error?.message}`;
  const detail = `policy ${r.policy}, seed ${r.seed}; ${r.events} trace events, trace hash ${r.traceHash || "-"}; disk ${formatSize(r.disk.used)} of ${formatSize(r.disk.quota)} used; instance ${r.state}`;
  return `${head}\n  ${detail}\n`;
}

/** content-sqlite's files of a statedir directory (the engine checks what they are). */
function readStatedir(dir: string): StatedirImage {
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => STATEDIR_FILE_NAMES.includes(name));
  } catch (e) {
    return badInput(`--statedir ${dir}: ${(e as Error).message}`);
  }
  if (names.length === 0) return badInput(`--statedir ${dir}: no ${STATEDIR_FILE_NAMES.join(", ")} in it`);
  return Object.fromEntries(names.map((name) => [name, new Uint8Array(readFileSync(join(dir, name)))]));
}

/**
 * Write the run's statedir into `dir` (made if missing): its files, dumps under dump/, and dump/RESTORE as a symbolic
 * link. A database file or a RESTORE link left there from before and not written now goes: an old WAL beside a new
 * database would be replayed into it, and an old RESTORE would make real Flux restore a dump this run did not choose.
 * A run whose worker was ended from outside has no files to write: false.
 */
function saveStatedir(dir: string, saved: SavedStatedir | undefined): boolean {
  if (!saved) {
    process.stderr.write(`--save-statedir ${dir}: the run was ended from outside before it could hand over its statedir; nothing written\n`);
    return false;
  }
  const { files, links } = saved;
  mkdirSync(dir, { recursive: true });
  for (const name of readdirSync(dir)) if (/^(content|checkpoint)\.sqlite/.test(name) && !(name in files)) rmSync(join(dir, name));
  rmSync(join(dir, "dump", "RESTORE"), { force: true });
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), bytes);
  }
  for (const [name, target] of Object.entries(links)) symlinkSync(target, join(dir, name));
  const written = [...Object.keys(files), ...Object.keys(links).map((name) => `${name} -> ${links[name]}`)];
  process.stderr.write(`--save-statedir: wrote ${written.sort().join(", ") || "no file"} to ${dir}\n`);
  return true;
}
