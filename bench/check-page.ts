/**
 * node --import tsx bench/check-page.ts [RUNS]: the design checker's speed in the built page against the CLI's
 * (issue 23: the page within 1.5x of the CLI), one JSON line. Upstream, RUNS sequences (default 200):
 * - page_s: the page's Check, from the click until its verdict is shown (its worker warm: one check of 2 first);
 * - cli_1_thread_s: the same check in this process on one thread (what the page's one worker does);
 * - cli_threads_s: the CLI's way, on one thread per core (check-threads.ts), threads started included;
 * - page_over_cli: page_s / cli_threads_s. Wall times: say the machine's load (`uptime`) next to them.
 */
import { availableParallelism, loadavg } from "node:os";
import { DesignChecker } from "../src/checker/check-design.ts";
import { CheckThreads } from "../src/checker/check-threads.ts";
import { loadSqlJs } from "../src/engine/disk/sqljs-node.ts";
import { openPage, servePage, setScenario } from "../test/browser/launch.ts";

const runs = Number(process.argv[2] ?? 200);
const policy = "upstream";
const seconds = (since: number) => Number(((performance.now() - since) / 1000).toFixed(2));

async function cliOneThread(): Promise<number> {
  const started = performance.now();
  const report = await new DesignChecker(await loadSqlJs(), { policy, runs }).run();
  if (report.sequences !== runs || report.failure) throw new Error(`the CLI's check ended after ${report.sequences} sequences`);
  return seconds(started);
}

async function cliThreads(): Promise<number> {
  const started = performance.now();
  const threads = new CheckThreads({ policy }, availableParallelism());
  try {
    const report = await new DesignChecker(await loadSqlJs(), { policy, runs, runner: threads.runner }).run();
    if (report.sequences !== runs || report.failure) throw new Error(`the CLI's check ended after ${report.sequences} sequences`);
  } finally {
    await threads.close();
  }
  return seconds(started);
}

const served = await servePage({ outDir: ".tmp/dist-check-bench" });
try {
  const { page } = await openPage(served);
  await setScenario(page, `scenario({ policy: "${policy}" });\nawait flux.start();\n`);
  const pageCheck = async (n: number) => {
    await page.fill('[data-testid="check-runs"]', String(n));
    const started = performance.now();
    await page.click('[data-testid="check"]');
    // the verdict of the check just started (the last one's is cleared when it starts)
    await page.waitForFunction(() => document.querySelector('[data-testid="check-verdict"]')?.getAttribute("data-verdict") === "held", undefined, { timeout: 30 * 60_000, polling: 200 });
    return seconds(started);
  };
  await pageCheck(2);
  const load = loadavg()[0]!.toFixed(2);
  const cli_1_thread_s = await cliOneThread();
  const page_s = await pageCheck(runs);
  const cli_threads_s = await cliThreads();
  const figures = { runs, policy, page_s, cli_1_thread_s, cli_threads_s, page_over_cli: Number((page_s / cli_threads_s).toFixed(2)), cores: availableParallelism(), load_before: load, load_after: loadavg()[0]!.toFixed(2) };
  console.log(JSON.stringify(figures));
} finally {
  await served.close();
}
