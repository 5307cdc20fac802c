/**
 * npm run -s check -- [--policy NAME|JSON] [--runs N] [--seed N] [--without PROMISES] [--threads N] [--json]   (--help: the options)
 *
 * Checks a design: random scenarios against it, every promise it makes (src/checker/promises.ts) checked.
 * Exit 0: every promise held; 1: one broke, and the minimal scenario that breaks it is printed (a script for
 * `npm run scenario` or the page); 2: bad input, one line on stderr.
 */
import { DesignChecker, type CheckReport } from "../checker/check-design.ts";
import { parsePromise, PROMISE_TEXT } from "../checker/promises.ts";
import { loadSqlJs } from "../engine/disk/sqljs-node.ts";
import { describePolicy, policyArgument } from "../engine/policy/presets.ts";
import { CheckThreads, defaultThreads } from "../checker/check-threads.ts";
import { parseCommandLine, type CommandSpec } from "./command-line.ts";

const COMMAND: CommandSpec = {
  name: "check",
  positionals: "",
  about:
    "Runs random scenarios (puts, synced puts, transactions, jobs, fills and frees, quota changes, failNextWrite,\n" +
    "readWrite, crashes, stops, starts, time passing) against a design and checks every promise it makes; the first\n" +
    "sequence that breaks one is shrunk to a minimal scenario and printed.\n" +
    "Exit 0: every promise held; 1: one broke (the script is on stdout); 2: bad input.",
  options: {
    policy: { type: "string", value: "NAME|JSON", help: 'a preset, or a knob set: \'{"preset":"read-only","rc3HoldFreeBytes":262144}\' (default upstream)' },
    runs: { type: "string", value: "N", help: "how many random sequences (default 200)" },
    seed: { type: "string", value: "N", help: "the first sequence's number (default 1): the sequences are seed, seed+1, ..." },
    without: { type: "string", value: "A,B", help: "promises the design does not make (checkpoint, synced, liveness, flux-errors, quota, integrity)" },
    threads: { type: "string", value: "N", help: "threads the sequences run on (default: one per core); the report is the same for any number" },
    json: { type: "boolean", help: "print the report as one JSON line" },
  },
};

const line = parseCommandLine(COMMAND);
if (line.positionals.length > 0) line.badInput(`no file is checked, only a design: unexpected "${line.positionals[0]}"`);

function design() {
  try {
    const policy = policyArgument(line.text("policy") ?? "upstream");
    const without = (line.text("without") ?? "").split(",").filter(Boolean).map(parsePromise);
    return { policy, without };
  } catch (e) {
    return line.badInput((e as Error).message);
  }
}

const runs = line.wholeNumber("runs", 1) ?? 200;
const firstSeed = line.wholeNumber("seed", 1) ?? 1;
const threadCount = Math.min(line.wholeNumber("threads", 1) ?? defaultThreads(), runs);
const { policy, without } = design();
const started = performance.now();
// one thread: the sequences run here, as in the page; more: on threads of their own, and here only the shrinking
const threads = threadCount > 1 ? new CheckThreads({ policy, without }, threadCount) : undefined;
const checker = new DesignChecker(await loadSqlJs(), {
  policy,
  without,
  runs,
  firstSeed,
  ...(threads ? { runner: threads.runner } : {}),
  onProgress: ({ done, shrinking }) => {
    if (!process.stderr.isTTY) return;
    if (shrinking) process.stderr.write(`\rcheck: ${shrinking.broken} broke; shrinking, ${shrinking.ops} operations left\x1b[K`);
    else if (done % 10 === 0) process.stderr.write(`\rcheck: ${done}/${runs} sequences`);
  },
});
const report = await checker.run();
await threads?.close();
const seconds = (performance.now() - started) / 1000;
if (process.stderr.isTTY) process.stderr.write("\r\x1b[K");

if (line.flag("json")) process.stdout.write(`${JSON.stringify({ ...report, seconds: Number(seconds.toFixed(2)) })}\n`);
else process.stdout.write(summary(report, seconds));
process.exit(report.failure ? 1 : 0);

function notMade(r: CheckReport): string {
  return r.notMade.length ? `promises the design does not make (not checked): ${r.notMade.join(", ")}\n` : "";
}

function summary(r: CheckReport, s: number): string {
  const promises = r.promises.map((p) => `  - ${p}: ${PROMISE_TEXT[p]}`).join("\n");
  const head = `design ${describePolicy(policy)}: ${r.sequences} sequence(s) in ${s.toFixed(1)} s; promises checked:\n${promises}\n${notMade(r)}`;
  if (!r.failure) return `${head}ok: every promise held\n`;
  const f = r.failure;
  return (
    `${head}BROKEN: ${f.broken} (sequence ${f.seed}): ${f.message}\n` +
    `--- minimal scenario: ${f.ops.length} of ${f.originalLength} operations (save it as a .ts file; npm run scenario -- FILE) ---\n${f.script}`
  );
}
