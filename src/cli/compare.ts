/**
 * npm run -s compare -- FILE [--policy NAME|JSON]... [--json | --markdown [--url BASE]] [--timeout-ms N]
 *
 * Runs one scenario under several policies (the script's own and every preset unless told) and prints, side by
 * side, how each line of the script ended, a verdict per policy in words, the final state, fsck's verdict, the
 * disk used and the trace hash. Exit 0 when it could compare, 2 for bad input.
 */
import { readFileSync } from "node:fs";
import { oneFile, parseCommandLine, type CommandSpec } from "./command-line.ts";
import { Worker } from "node:worker_threads";
import { policyArgument } from "../engine/policy/presets.ts";
import type { Column } from "../runner/compare.ts";
import { formatComparison, type PresetOutcome } from "../runner/compare-table.ts";
import { transpileScenario } from "../runner/transpile.ts";
import { encodeScenario } from "../share/link.ts";
import { markdownSummary } from "../share/markdown-summary.ts";
import { scenarioLiteral } from "../share/scenario-literal.ts";
import { ENGINE_VERSION } from "../version.ts";

const COMMAND: CommandSpec = {
  name: "compare",
  positionals: "FILE",
  about:
    "Runs one scenario under several policies and prints, side by side, how each line of the script ended (a line run\n" +
    "several times shows its outcomes in order), a verdict per policy (synced data, job data, did the instance stay up,\n" +
    "did it need a human, did anything wait forever), fsck's verdict, the disk used and each run's trace hash.\n" +
    "Exit 0 when it could compare, 2 for bad input.",
  options: {
    policy: {
      type: "string",
      value: "NAME|JSON",
      multiple: true,
      help: "a column: a preset or a knob set ('{\"preset\":\"upstream\",\"checkpointPutFlushes\":false}'), or \"script\" for the script's own; default: the script's own and every preset",
    },
    json: { type: "boolean", help: "print the comparison as one JSON line" },
    markdown: { type: "boolean", help: "print a Markdown summary to paste into a GitHub issue (under Slack's 40,000 characters)" },
    url: { type: "string", value: "BASE", help: "where the playground is served, for --markdown's link (default http://127.0.0.1:5173/, npm start's)" },
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
if (line.flag("json") && line.flag("markdown")) badInput("--json and --markdown cannot be combined: choose one output");
const base = line.text("url") ?? "http://127.0.0.1:5173/";
if (!/^https?:\/\/[^\s#]+$/.test(base)) badInput(`--url is the address the playground is served at (http:// or https://, no #), got ${JSON.stringify(base)}`);

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
worker.on("message", async ({ outcomes, ms }: { outcomes: PresetOutcome[]; ms: number }) => {
  clearTimeout(timer);
  if (line.flag("json")) process.stdout.write(`${JSON.stringify({ outcomes, ms: Math.round(ms) })}\n`);
  else if (line.flag("markdown")) process.stdout.write(await markdown(outcomes));
  else process.stdout.write(`${formatComparison(outcomes)}\n\n${outcomes.length} policies in ${Math.round(ms)} ms\n`);
  process.exit(0);
});

/** The summary, with a link to the script as it is (its own run's hash in it, when the script's own policy is a column). */
async function markdown(outcomes: PresetOutcome[]): Promise<string> {
  const own = outcomes.find((o) => o.policy.startsWith("the script's own"));
  const encoded = await encodeScenario({ text, settings: {}, ...(own?.traceHash ? { traceHash: own.traceHash } : {}), engineVersion: ENGINE_VERSION });
  const title = scenarioLiteral(text)?.title;
  return markdownSummary({ link: `${base}#s=${encoded}`, outcomes, ...(typeof title === "string" ? { title } : {}) });
}
