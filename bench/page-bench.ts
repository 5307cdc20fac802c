/**
 * npm run bench:page: the page's speed, measured in headless Chromium on the
 * built page served on 127.0.0.1, printed as one JSON line.
 *
 * - interactive_ms: from navigation start until the script text and the Run
 *   button can be used (before Monaco arrives);
 * - interactive_painted_ms: until the frame that first showed them usable
 *   has been painted (the layout and paint of that frame included: work
 *   moved out of the page's scripts into the browser's rendering still counts);
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
 *   three of each, interleaved (page, headless, page, ...) so that a burst of
 *   load from elsewhere hits both; medians, their ratio, and `_all` lists;
 * - history_bytes_per_event: what the page's worker sends per trace event
 *   (its chunks as JSON: events, frames, trees), for that run;
 * - heap_after_1_run_mb / heap_after_20_runs_mb: the page's JS heap after a
 *   forced GC, after the first and the twentieth such run in one tab;
 * - flood_page_ms: a 200 000-line log() flood, from the click until Run can
 *   be clicked again; flood_worker_ms: from the click until the worker's
 *   result arrived (the page's "run:worker" measure), flood_after_worker_ms:
 *   from then until Run can be clicked;
 * - t0090_64mib_page_ms: jobs one at a time until a 64 MiB statedir reports
 *   ENOSPC (the engine bench's t0090_64mib_s), from the click until its
 *   result and timeline are on screen; the page's 10 s limit must not end it
 *   (the bench fails if it does); t0090_64mib_page_events: its trace events.
 * - lesson_open_ms_max / lesson_open_ms_median: following each lesson's
 *   #lesson/<n> link, until its text is shown, its script is in the editor
 *   and the frame has been painted;
 * - startup_gzip_kb: the bytes (gzip -6) of what the page loads before it is
 *   usable: index.html, the entry chunk and its static imports, CSS. Monaco,
 *   the tutorial, the examples gallery, the links' codec and the Compare/Check
 *   panels are lazy chunks, not counted; engine_gzip_kb: the engine worker and its wasm, which
 *   start once the editor is up (or at the first Run), so after the page is
 *   usable; startup_and_engine_gzip_kb: both (what startup_gzip_kb counted
 *   until 2026-12-04).
 * - link_interactive_ms: as interactive_ms, for a `#s=` link of a 200-line
 *   scenario, until its text is in the editor; plain_interactive_ms_paired is
 *   the plain page measured the same way, in pairs of alternating order (a
 *   fresh context each; medians of 3);
 * - encode_ms_median: what an edit of a 50 KB scenario costs to put in the
 *   address (the page's own "share:encode" measure, median of 5 edits);
 * - compare_ms_cold / compare_ms_warm: Compare of playground-scripts/first.ts
 *   under all 7 presets, click to table (cold: its worker starts; warm: median
 *   of 3).
 *
 * `-- --load-only` prints only the load figures, the scrub and the bytes (a
 * paired before/after takes minutes, not a quarter of an hour); `-- --dist DIR`
 * measures a page already built in DIR (another checkout's dist/), unbuilt.
 * The page is served cross-origin isolated, as `vite preview` and the page's
 * service worker make it (runs then use one engine: src/worker/script-workers.ts);
 * `-- --not-isolated` serves it as a static host that sends no headers, on a
 * first visit (the service worker blocked): each run's realm runs its own engine.
 * `isolated` in the output says which it measured.
 */
import { readFileSync } from "node:fs";
import { encodeScenario } from "../src/share/link.ts";
import { ENGINE_VERSION } from "../src/version.ts";
import { gzipSync } from "node:zlib";
import { openPage, servePage, setScenario, type Served } from "../test/browser/launch.ts";
import { median } from "./median.ts";
import { timedRun } from "./timed-run.ts";
import { BIG_RUN, SCRUB_RUN } from "./workloads.ts";
import { loadSqlJs } from "../src/engine/disk/sqljs-node.ts";
import { runScenario } from "../src/runner/run-scenario.ts";
import { Recorder } from "../src/worker/recorder.ts";

/** The engine bench's t0090_64mib_s workload (flux-model.md §13 A on 64 MiB): it must run to the end in the page, under its 10 s limit. */
const T0090_64MIB = `scenario({ disk: "64 MiB" });\nawait flux.start();\nwhile (flux.dmesg("No space left on device").length === 0) {\n  await jobs.submit(1);\n  await sim.advance(100);\n}\n`;
const FLOOD = `for (let i = 0; i < 200000; i++) log("line " + i);\n`;
const HEAP_RUNS = 20;
/** Big runs timed in the page and headless, interleaved. */
const BIG_RUN_PAIRS = 3;

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
  // a link's page is usable once its text is in the editor (window.__expectText, set before this by the bench)
  const showsText = () => !window.__expectText || (document.querySelector('[data-testid="editor"] textarea')?.value ?? "").includes(window.__expectText);
  const usable = () => document.querySelector('[data-testid="run"]:not([disabled])') && document.querySelector('[data-testid="editor"] textarea, [data-testid="editor"] .view-lines') && showsText();
  const look = () => {
    const now = performance.now();
    if (loading.interactive === undefined && usable()) {
      loading.interactive = now;
      // a task queued from an animation frame runs after that frame is painted
      setTimeout(() => (loading.painted = performance.now()), 0);
    }
    if (document.querySelector('[data-testid="editor"][data-editor="monaco"]')) loading.editorReady = now;
    else requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
  new PerformanceObserver((list) => {
    if (loading.editorReady !== undefined) return;
    for (const task of list.getEntries()) loading.longestTask = Math.max(loading.longestTask, task.duration);
  }).observe({ type: "longtask", buffered: true });
`;

const LOAD_ONLY = process.argv.includes("--load-only");
const distArg = process.argv.indexOf("--dist");
const DIST = distArg >= 0 ? process.argv[distArg + 1]! : "dist";

const ISOLATED = !process.argv.includes("--not-isolated");

const served = await servePage({ ...(distArg >= 0 ? { build: false, outDir: DIST } : {}), isolated: ISOLATED });
try {
  await letBrowserSettle(served);
  const { page, problems } = await openPage(served, { beforeLoad: (p) => p.addInitScript({ content: WATCH_LOADING }) });
  await page.waitForFunction(() => (window as unknown as Loading).__loading.editorReady !== undefined, undefined, { timeout: 30_000 });
  const loading = await page.evaluate(() => (window as unknown as Loading).__loading);

  const runTimed = () => timedRun(page);
  const runOnce = async () => (await runTimed()).ms;
  await runOnce(); // warm the worker's code
  const runTimes: number[] = [];
  for (let i = 0; i < RUNS; i++) runTimes.push(await runOnce());

  // a run with more than 10,000 events, then scrub to random places in it
  await setScenario(page, SCRUB_RUN);
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

  const loadFigures = {
    isolated: await page.evaluate(() => crossOriginIsolated),
    interactive_ms: Math.round(loading.interactive!),
    interactive_painted_ms: Math.round(loading.painted!),
    editor_ready_ms: Math.round(loading.editorReady!),
    longest_task_ms: Math.round(loading.longestTask),
    default_run_ms: Math.round(median(runTimes)),
    default_run_ms_all: runTimes.map(Math.round),
    scrub_events: events,
    scrub_ms_median: +median(scrubs).toFixed(1),
    scrub_ms_max: +Math.max(...scrubs).toFixed(1),
    ...pageBytes(),
  };
  if (LOAD_ONLY) {
    console.log(JSON.stringify({ ...loadFigures, console_problems: problems.length, dist: DIST, chromium: served.browser.version() }));
    await served.close();
    process.exit(0);
  }

  const cdp = await page.context().newCDPSession(page);
  const heapMb = async () => {
    await cdp.send("HeapProfiler.collectGarbage");
    const { usedSize } = (await cdp.send("Runtime.getHeapUsage")) as { usedSize: number };
    return +(usedSize / 2 ** 20).toFixed(1);
  };
  await setScenario(page, BIG_RUN);
  const bigRuns: number[] = [];
  let heapAfterFirst = 0;
  const ranToTheEnd = async () => {
    const status = await page.textContent(".console .status");
    if (!status?.startsWith("✓")) throw new Error(`a timed run did not run to the end: ${status}`);
  };
  const headless = await headlessBigRun();
  const cliRuns: number[] = [];
  for (let n = 1; n <= HEAP_RUNS; n++) {
    bigRuns.push(await runOnce());
    await ranToTheEnd();
    if (n === 1) heapAfterFirst = await heapMb();
    if (n <= BIG_RUN_PAIRS) cliRuns.push(await headless.timeOne());
  }
  const heapAfterAll = await heapMb();
  const bigEvents = Number(await page.getAttribute('[data-testid="timeline"]', "max")) + 1;
  await setScenario(page, FLOOD);
  const flood = await runTimed();
  await ranToTheEnd();
  await setScenario(page, T0090_64MIB);
  const t0090 = await runTimed();
  await ranToTheEnd();
  const t0090Events = Number(await page.getAttribute('[data-testid="timeline"]', "max")) + 1;
  const history = await headless.history();

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

  const links = await linkFigures(served);

  const figures = {
    big_run_events: bigEvents,
    big_run_page_ms: Math.round(median(bigRuns.slice(0, BIG_RUN_PAIRS))),
    big_run_cli_ms: Math.round(median(cliRuns)),
    big_run_ratio: +(median(bigRuns.slice(0, BIG_RUN_PAIRS)) / median(cliRuns)).toFixed(2),
    big_run_page_ms_all: bigRuns.slice(0, BIG_RUN_PAIRS).map(Math.round),
    big_run_cli_ms_all: cliRuns.map(Math.round),
    history_bytes_per_event: Math.round(history.bytes / history.events),
    heap_after_1_run_mb: heapAfterFirst,
    heap_after_20_runs_mb: heapAfterAll,
    flood_page_ms: Math.round(flood.ms),
    flood_worker_ms: Math.round(flood.workerMs),
    flood_after_worker_ms: Math.round(flood.ms - flood.workerMs),
    t0090_64mib_page_ms: Math.round(t0090.ms),
    t0090_64mib_page_events: t0090Events,
    ...loadFigures,
    lesson_open_ms_median: +median(lessonOpens).toFixed(1),
    lesson_open_ms_max: +Math.max(...lessonOpens).toFixed(1),
    ...links,
    console_problems: problems.length,
    chromium: served.browser.version(),
  };
  console.log(JSON.stringify(figures));
} finally {
  await served.close();
}

/**
 * The big run in this process, as the CLI runs it: `timeOne` times one run (after a first run here that warms the
 * JIT, as the page's worker is warm); `history` measures what the page's worker would send for it.
 */
async function headlessBigRun() {
  const sql = await loadSqlJs();
  await runScenario(BIG_RUN, { sql, retainTrace: false });
  return {
    async timeOne(): Promise<number> {
      const t0 = performance.now();
      await runScenario(BIG_RUN, { sql, retainTrace: false });
      return performance.now() - t0;
    },
    async history(): Promise<{ events: number; bytes: number }> {
      let bytes = 0;
      const recorder = new Recorder((chunk) => (bytes += JSON.stringify(chunk).length));
      const result = await runScenario(BIG_RUN, { sql, retainTrace: false, onBroker: (broker) => recorder.attach(broker), onTurn: () => recorder.turn() });
      recorder.flush();
      return { events: result.events, bytes };
    },
  };
}

interface Loading {
  __loading: { interactive?: number; painted?: number; editorReady?: number; longestTask: number };
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

/** The page's bytes (gzip -6) from the built files: before it is usable, and the engine's (loaded after). */
function pageBytes() {
  const startup = startupFiles();
  const engine = engineFiles(startup);
  const kb = (files: string[]) => Math.round(files.reduce((sum, file) => sum + gzipSync(readFileSync(`${DIST}/${file}`), { level: 6 }).length, 0) / 1024);
  return { startup_gzip_kb: kb(startup), engine_gzip_kb: kb(engine), startup_and_engine_gzip_kb: kb([...startup, ...engine]), startup_files: startup };
}

/** What the page loads before it is usable: index.html, the entry and its static imports (not import()), its CSS. */
function startupFiles(): string[] {
  const html = readFileSync(`${DIST}/index.html`, "utf8");
  const files = new Set<string>(["index.html"]);
  const queue = [...html.matchAll(/(?:src|href)="\.?\/(assets\/[^"]+)"/g)].map((m) => m[1]!);
  while (queue.length > 0) {
    const file = queue.shift()!;
    if (files.has(file)) continue;
    files.add(file);
    // the bundler quotes with ", ' or `: static imports (`from"./x.js"`, `import"./x.js"`)
    if (file.endsWith(".js")) for (const m of readFileSync(`${DIST}/${file}`, "utf8").matchAll(/(?:from|import)\s*["'`]\.\/([^"'`]+)["'`]/g)) queue.push(`assets/${m[1]}`);
  }
  return [...files];
}

/** The engine worker (new Worker(new URL(...)) in one of the page's files) and the SQLite wasm it fetches. */
function engineFiles(startup: string[]): string[] {
  const named = (code: string) => [...code.matchAll(/["'`](?:\/|\.\/)?(?:assets\/)?(engine-worker-[\w-]+\.js|sql-wasm-browser-debug-[\w-]+\.wasm)["'`]/g)].map((m) => `assets/${m[1]}`);
  const worker = startup.filter((f) => f.endsWith(".js")).flatMap((f) => named(readFileSync(`${DIST}/${f}`, "utf8")));
  return [...new Set([...worker, ...worker.flatMap((f) => named(readFileSync(`${DIST}/${f}`, "utf8")))])];
}

/** Load a page in a fresh context (with WATCH_LOADING) and return it with its loading figures. */
async function loadTimed(served: Served, url: string, expectText?: string) {
  const { page, problems } = await openPage(
    { ...served, url },
    {
      beforeLoad: async (p) => {
        if (expectText) await p.addInitScript({ content: `window.__expectText = ${JSON.stringify(expectText)};` });
        await p.addInitScript({ content: WATCH_LOADING });
      },
    },
  );
  await page.waitForFunction(() => (window as unknown as Loading).__loading.editorReady !== undefined, undefined, { timeout: 30_000 });
  return { page, problems, loading: await page.evaluate(() => (window as unknown as Loading).__loading) };
}

/** A link of a 200-line scenario against the plain page; the encode cost of an edit at 50 KB; Compare of first.ts. */
async function linkFigures(served: Served) {
  const lines = [`scenario({ title: "bench200" }); // bench200marker`, "await flux.start();"];
  for (let i = 0; lines.length < 200; i++) lines.push(`await kvs.put("key.${i}", ${i}); // line ${lines.length + 1}`);
  const link = `${served.url}#s=${await encodeScenario({ text: lines.join("\n") + "\n", settings: {}, engineVersion: ENGINE_VERSION })}`;
  // pairs in alternating order: on this VM the second page of a pair loads slower, whichever it is
  const plainTimes: number[] = [];
  const linkTimes: number[] = [];
  for (let pair = 0; pair < 3; pair++) {
    for (const which of pair % 2 ? ["plain", "link"] : ["link", "plain"]) {
      const loaded = which === "link" ? await loadTimed(served, link, "bench200marker") : await loadTimed(served, served.url);
      (which === "link" ? linkTimes : plainTimes).push(loaded.loading.interactive!);
      await loaded.page.context().close();
    }
  }
  const linked = await loadTimed(served, link, "bench200marker");
  const page = linked.page;

  // 50 KB of scenario, then edits one character at a time: each puts a new link in the address
  const big = `await flux.start();\n${Array.from({ length: 1100 }, (_, i) => `await kvs.put("k${i}", "${"x".repeat(20)}");`).join("\n")}\n`;
  await setScenario(page, big);
  const encodes: number[] = [];
  for (let i = 0; i < 6; i++) {
    const before = await page.evaluate(() => performance.getEntriesByName("share:encode").length);
    await page.keyboard.insertText(" ");
    await page.waitForFunction((n) => performance.getEntriesByName("share:encode").length > n, before);
    if (i > 0) encodes.push(await page.evaluate(() => performance.getEntriesByName("share:encode").at(-1)!.duration));
  }

  await page.evaluate(() => (location.hash = "#example/first"));
  await page.waitForSelector('[data-testid="origin"]:has-text("from example")');
  const compareOnce = () =>
    page.evaluate(async () => {
      const t0 = performance.now();
      (document.querySelector('[data-testid="compare"]') as HTMLButtonElement).click();
      await new Promise((r) => setTimeout(r, 0)); // the page has dropped the previous table
      while (!document.querySelector('[data-testid="compare-table"]')) await new Promise((r) => setTimeout(r, 5));
      return performance.now() - t0;
    });
  const cold = await compareOnce();
  const warm: number[] = [];
  for (let i = 0; i < 3; i++) warm.push(await compareOnce());
  const problems = [...linked.problems];
  await page.context().close();
  return {
    plain_interactive_ms_paired: Math.round(median(plainTimes)),
    link_interactive_ms: Math.round(median(linkTimes)),
    link_interactive_ms_all: linkTimes.map(Math.round),
    plain_interactive_ms_paired_all: plainTimes.map(Math.round),
    link_chars: link.length - served.url.length,
    encode_kb: Math.round(big.length / 1024),
    encode_ms_median: +median(encodes).toFixed(1),
    encode_ms_all: encodes.map((t) => +t.toFixed(1)),
    compare_ms_cold: Math.round(cold),
    compare_ms_warm: Math.round(median(warm)),
    link_console_problems: problems.length,
  };
}
