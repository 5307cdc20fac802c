/**
 * npm run bench:page: the page's speed, measured in headless Chromium on the
 * built page served on 127.0.0.1, printed as one JSON line.
 *
 * - interactive_ms: from navigation start until the script text and the Run
 *   button can be used (before Monaco arrives);
 * - editor_ready_ms: until Monaco has replaced the text area (both checked
 *   in the page at every frame);
 * - longest_task_ms: the longest main-thread task until then (a keystroke
 *   or click can wait that long);
 * - default_run_ms: median of 5 runs of the default scenario, from the click
 *   to the page showing the result (worker time included);
 * - scrub_ms_max / scrub_ms_median: moving the timeline to random events of a
 *   run with more than 10,000 events, until the next frame is painted;
 * - big_run_page_ms: a run of about 60 000 trace events (2 150 puts), from
 *   the click to the result on screen; big_run_cli_ms: the same text run by
 *   the headless runner in this Node process (warm, as the page's worker is);
 * - history_bytes_per_event: what the page's worker sends per trace event
 *   (its chunks as JSON: events, frames, trees), for that run;
 * - heap_after_1_run_mb / heap_after_20_runs_mb: the page's JS heap after a
 *   forced GC, after the first and the twentieth such run in one tab;
 * - flood_page_ms: a 200 000-line log() flood, from the click until Run can
 *   be clicked again;
 * - lesson_open_ms_max / lesson_open_ms_median: following each lesson's
 *   #lesson/<n> link, until its text is shown, its script is in the editor
 *   and the frame has been painted;
 * - startup_gzip_kb: the bytes (gzip -6) of everything the page needs before
 *   the editor: index.html, the entry chunk and its static imports, CSS, the
 *   engine worker and its wasm. Monaco is a lazy chunk, not counted.
 */
import { readFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { openPage, servePage, type Served } from "../test/browser/launch.ts";
import { median } from "./median.ts";
import { loadSqlJs } from "../src/engine/disk/sqljs-node.ts";
import { runScenario } from "../src/runner/run-scenario.ts";
import { Recorder } from "../src/worker/recorder.ts";

/** About 60 000 trace events. */
const BIG_RUN = `await flux.start();\nfor (let i = 0; i < 2150; i++) await kvs.put("job.k" + (i % 40) + ".v" + i, bytes(300));\nawait sim.settle();\n`;
const FLOOD = `for (let i = 0; i < 200000; i++) log("line " + i);\n`;
const HEAP_RUNS = 20;

const RUNS = 5;

/**
 * Runs in the page before its own scripts: notes, at every frame from the
 * very first, when the text and Run are usable and when Monaco is in place
 * (polling from the test side added the protocol's latency, and Playwright's
 * waitForSelector looks only every 500 ms after a while), and the longest
 * task that kept the main thread busy meanwhile (typing waits that long).
 * Plain JavaScript text: a function would be serialized as this file's
 * transpiler left it, helpers included.
 */
const WATCH_LOADING = `
  const loading = { longestTask: 0 };
  window.__loading = loading;
  const usable = () => document.querySelector('[data-testid="run"]:not([disabled])') && document.querySelector('[data-testid="editor"] textarea, [data-testid="editor"] .view-lines');
  const look = () => {
    const now = performance.now();
    if (loading.interactive === undefined && usable()) loading.interactive = now;
    if (document.querySelector('[data-testid="editor"][data-editor="monaco"]')) loading.editorReady = now;
    else requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
  new PerformanceObserver((list) => {
    if (loading.editorReady !== undefined) return;
    for (const task of list.getEntries()) loading.longestTask = Math.max(loading.longestTask, task.duration);
  }).observe({ type: "longtask", buffered: true });
`;

const served = await servePage();
try {
  await letBrowserSettle(served);
  const { page, problems } = await openPage(served, { beforeLoad: (p) => p.addInitScript({ content: WATCH_LOADING }) });
  await page.waitForFunction(() => (window as unknown as Loading).__loading.editorReady !== undefined, undefined, { timeout: 30_000 });
  const loading = await page.evaluate(() => (window as unknown as Loading).__loading);

  const runOnce = async () => {
    const runs = Number(await page.getAttribute('[data-testid="trace-hash"]', "data-runs"));
    return page.evaluate(async (before) => {
      const t0 = performance.now();
      (document.querySelector('[data-testid="run"]') as HTMLButtonElement).click();
      while (document.querySelector('[data-testid="trace-hash"]')?.getAttribute("data-runs") !== String(before + 1)) {
        await new Promise((r) => setTimeout(r, 1));
      }
      await new Promise((r) => requestAnimationFrame(r));
      return performance.now() - t0;
    }, runs);
  };
  await runOnce(); // warm the worker's code
  const runTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) runTimes.push(await runOnce());

  // a run with more than 10,000 events, then scrub to random places in it
  await page.click('[data-testid="editor"] .view-lines');
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(`await flux.start();\nfor (let i = 0; i < 700; i++) await kvs.put("job.k" + (i % 40) + ".v" + i, bytes(300));\nawait sim.settle();\n`);
  await runOnce();
  const events = Number(await page.getAttribute('[data-testid="timeline"]', "max")) + 1;
  const scrubs: number[] = await page.evaluate(async (count) => {
    const input = document.querySelector('[data-testid="timeline"]') as HTMLInputElement;
    const times: number[] = [];
    let x = 12345;
    for (let k = 0; k < 20; k++) {
      x = (x * 1103515245 + 12345) % 2147483648; // the same positions every time
      const target = x % count;
      const t0 = performance.now();
      input.value = String(target);
      input.dispatchEvent(new Event("input", { bubbles: true }));
      // until the frame showing it has been painted: a task queued from the next animation frame runs after paint
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      if (!document.querySelector('[data-testid="timeline-position"]')?.textContent?.startsWith(`event ${target + 1} of`)) throw new Error("the panels did not move");
      times.push(performance.now() - t0);
    }
    return times;
  }, events);

  const setText = async (text: string) => {
    await page.click('[data-testid="editor"] .view-lines');
    await page.keyboard.press("ControlOrMeta+A");
    await page.keyboard.press("Delete");
    await page.keyboard.insertText(text);
  };
  const cdp = await page.context().newCDPSession(page);
  const heapMb = async () => {
    await cdp.send("HeapProfiler.collectGarbage");
    const { usedSize } = (await cdp.send("Runtime.getHeapUsage")) as { usedSize: number };
    return +(usedSize / 2 ** 20).toFixed(1);
  };
  await setText(BIG_RUN);
  const bigRuns: number[] = [];
  let heapAfterFirst = 0;
  const ranToTheEnd = async () => {
    const status = await page.textContent(".console .status");
    if (!status?.startsWith("✓")) throw new Error(`the big run did not run to the end: ${status}`);
  };
  for (let n = 1; n <= HEAP_RUNS; n++) {
    bigRuns.push(await runOnce());
    await ranToTheEnd();
    if (n === 1) heapAfterFirst = await heapMb();
  }
  const heapAfterAll = await heapMb();
  const bigEvents = Number(await page.getAttribute('[data-testid="timeline"]', "max")) + 1;
  await setText(FLOOD);
  const floodMs = await runOnce();
  await ranToTheEnd();
  const headless = await headlessBigRun();

  // open every lesson by its link, as a reader following #lesson/<n> would
  const lessonOpens: number[] = await page.evaluate(async () => {
    const times: number[] = [];
    for (let n = 1; n <= 8; n++) {
      const t0 = performance.now();
      location.hash = `#lesson/${n}`;
      // (no named helper here: the transpiler would wrap it in one this page does not have)
      while (
        !(
          document.querySelector('[data-testid="lesson"] h2')?.textContent?.trim().startsWith(`${n}.`) &&
          document.querySelector('[data-testid="lesson-goal"]') &&
          document.querySelector('[data-testid="editor"] .view-lines')?.textContent?.replace(/\s/g, " ").includes(`Lesson ${n}:`)
        )
      ) {
        await new Promise((r) => requestAnimationFrame(r));
      }
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      times.push(performance.now() - t0);
    }
    return times;
  });

  const figures = {
    big_run_events: bigEvents,
    big_run_page_ms: Math.round(median(bigRuns.slice(0, 3))),
    big_run_cli_ms: Math.round(headless.ms),
    big_run_ratio: +(median(bigRuns.slice(0, 3)) / headless.ms).toFixed(2),
    history_bytes_per_event: Math.round(headless.historyBytes / headless.events),
    heap_after_1_run_mb: heapAfterFirst,
    heap_after_20_runs_mb: heapAfterAll,
    flood_page_ms: Math.round(floodMs),
    interactive_ms: Math.round(loading.interactive!),
    editor_ready_ms: Math.round(loading.editorReady!),
    longest_task_ms: Math.round(loading.longestTask),
    default_run_ms: Math.round(median(runTimes)),
    default_run_ms_all: runTimes.map(Math.round),
    scrub_events: events,
    scrub_ms_median: +median(scrubs).toFixed(1),
    scrub_ms_max: +Math.max(...scrubs).toFixed(1),
    lesson_open_ms_median: +median(lessonOpens).toFixed(1),
    lesson_open_ms_max: +Math.max(...lessonOpens).toFixed(1),
    startup_gzip_kb: Math.round(startupGzipBytes().bytes / 1024),
    startup_files: startupGzipBytes().files,
    console_problems: problems.length,
    chromium: served.browser.version(),
  };
  console.log(JSON.stringify(figures));
} finally {
  await served.close();
}

/** The big run in this process, as the CLI runs it (after one run to warm the JIT, as the page's worker is warm), and the history the page's worker would send for it. */
async function headlessBigRun(): Promise<{ ms: number; events: number; historyBytes: number }> {
  const sql = await loadSqlJs();
  await runScenario(BIG_RUN, { sql, retainTrace: false });
  const t0 = performance.now();
  const result = await runScenario(BIG_RUN, { sql, retainTrace: false });
  const ms = performance.now() - t0;
  let historyBytes = 0;
  const recorder = new Recorder((chunk) => (historyBytes += JSON.stringify(chunk).length));
  await runScenario(BIG_RUN, { sql, retainTrace: false, onBroker: (broker) => recorder.attach(broker), onTurn: () => recorder.turn() });
  recorder.flush();
  return { ms, events: result.events, historyBytes };
}

interface Loading {
  __loading: { interactive?: number; editorReady?: number; longestTask: number };
}

/**
 * A freshly launched headless Chromium spends its first seconds on its own
 * start-up (one trace showed its omnibox popup renderer taking 2.3 s of CPU
 * in the first 3 s), competing with the page for this VM's two cores. A
 * visitor's browser is already running, so wait that out in a throwaway
 * context; the measured page gets a new context, with an empty cache.
 */
async function letBrowserSettle(served: Served): Promise<void> {
  const context = await served.browser.newContext();
  await (await context.newPage()).goto("about:blank");
  await new Promise((r) => setTimeout(r, 3000));
  await context.close();
}

/** What the page needs before the editor, from the built files: the entry, its static imports, CSS, the engine worker and its wasm. */
function startupGzipBytes(): { bytes: number; files: string[] } {
  const html = readFileSync("dist/index.html", "utf8");
  const files = new Set<string>(["index.html"]);
  const queue = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((m) => m[1]!);
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (files.has(file)) continue;
    files.add(file);
    if (!file.endsWith(".js")) continue;
    const code = readFileSync(`dist/${file}`, "utf8");
    // static imports, and the engine worker (new Worker(new URL(...))) and the wasm it fetches; not import() of Monaco
    // the bundler quotes with ", ' or `: static imports (`from"./x.js"`, `import"./x.js"`), the worker and its wasm
    for (const m of code.matchAll(/(?:from|import)\s*["'`]\.\/([^"'`]+)["'`]/g)) queue.push(`assets/${m[1]}`);
    for (const m of code.matchAll(/["'`](?:\/|\.\/)?(?:assets\/)?(engine-worker-[\w-]+\.js|sql-wasm-browser-debug-[\w-]+\.wasm)["'`]/g)) queue.push(`assets/${m[1]}`);
  }
  let total = 0;
  for (const file of files) total += gzipSync(readFileSync(`dist/${file}`), { level: 6 }).length;
  return { bytes: total, files: [...files] };
}
