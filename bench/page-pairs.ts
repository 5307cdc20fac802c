/**
 * `npm run bench:pairs -- DIR... [--rounds N] [--default]`: the page bench's big run (or, with --default, the
 * default scenario) in several built pages open at once, one tab each, one run in each in turn, then the same text
 * headless in this process: a round. This VM's speed drifts by more than a change's effect between two bench:page
 * runs minutes apart (docs/performance.md); within a round every build meets the same machine. Prints, per page, its
 * runs, their median, the median of its round-by-round ratio to the first page's, and to the headless run.
 */
import { parseCommandLine, usageLine, type CommandSpec } from "../src/cli/command-line.ts";
import { loadSqlJs } from "../src/engine/disk/sqljs-node.ts";
import { runScenario } from "../src/runner/run-scenario.ts";
import type { Page } from "playwright-core";
import { openPage, servePage, setScenario, type Served } from "../test/browser/launch.ts";
import { median } from "./median.ts";
import { timedRun } from "./timed-run.ts";
import { BIG_RUN } from "./workloads.ts";
import { readFileSync } from "node:fs";

const COMMAND: CommandSpec = {
  name: "bench:pairs",
  positionals: "DIR...",
  about: "Big runs in several built pages at once, in turn, and headless after each round: figures paired round by round.",
  options: {
    rounds: { type: "string", value: "N", help: "rounds (default 6)" },
    default: { type: "boolean", help: "the default scenario (playground-scripts/first.ts) instead of the big run" },
  },
};
const line = parseCommandLine(COMMAND);
if (line.positionals.length === 0) line.badInput(usageLine(COMMAND));
const ROUNDS = line.wholeNumber("rounds", 1) ?? 6;
const text = line.flag("default") ? readFileSync(new URL("../playground-scripts/first.ts", import.meta.url), "utf8") : BIG_RUN;

const sql = await loadSqlJs();
const servers: Served[] = [];
try {
  const pages: { dist: string; page: Page; ms: number[] }[] = [];
  for (const dist of line.positionals) {
    const served = await servePage({ build: false, outDir: dist });
    servers.push(served);
    const { page } = await openPage(served);
    await page.waitForSelector('[data-testid="editor"][data-editor="monaco"]', { timeout: 30_000 });
    await setScenario(page, text);
    await timedRun(page); // warm the worker's code
    pages.push({ dist, page, ms: [] });
  }
  const headless: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const p of pages) p.ms.push(Math.round((await timedRun(p.page)).ms));
    const t0 = performance.now();
    await runScenario(text, { sql, retainTrace: false });
    headless.push(Math.round(performance.now() - t0));
  }
  const first = pages[0]!;
  for (const p of pages) {
    const traceHash = await p.page.textContent('[data-testid="trace-hash"]');
    const vsFirst = median(p.ms.map((ms, i) => ms / first.ms[i]!));
    const toHeadless = median(p.ms.map((ms, i) => ms / headless[i]!));
    console.log(JSON.stringify({ dist: p.dist, median_ms: median(p.ms), ms: p.ms, vs_first: +vsFirst.toFixed(2), to_headless: +toHeadless.toFixed(2), trace_hash: traceHash }));
  }
  console.log(JSON.stringify({ headless_median_ms: median(headless), headless_ms: headless }));
} finally {
  for (const served of servers) await served.close();
}
