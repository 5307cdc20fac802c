/**
 * The built page, served on 127.0.0.1, in Debian's Chromium driven by
 * playwright-core: what the browser tests and `npm run bench:page` use.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { chromium, type Browser, type Page } from "playwright-core";
import { serveStatic } from "./static-server.ts";

export const CHROMIUM = "/usr/bin/chromium";
/** Flags measured to work on these machines (toolchain.md §5): no sandbox as root, no background network. */
const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

export interface Served {
  url: string;
  browser: Browser;
  close(): Promise<void>;
  /** False: served by a plain static server, with the page's service worker blocked, so that the page is never cross-origin isolated. */
  isolated?: boolean;
}

function requireChromium(): void {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`browser tests need Chromium at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (npm test does this first when run as root: scripts/ensure-chromium.mjs)`);
  }
}

/** Debian's Chromium, headless, with the flags above (a bench that needs no page of ours uses it alone). */
export function launchChromium(): Promise<Browser> {
  requireChromium();
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}

/** Build the page into `outDir` (each browser test file builds its own, so files running in parallel never share one). */
export function buildPage(outDir = "dist"): void {
  const r = spawnSync(process.execPath, ["node_modules/vite/bin/vite.js", "build", "--logLevel", "error", "--outDir", outDir, "--emptyOutDir"], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`vite build failed:\n${r.stderr}${r.stdout}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitForServer(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`vite preview exited with ${child.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`vite preview did not answer at ${url}`);
}

/**
 * Build the page (unless `build` is false), serve `outDir` and launch Chromium. `vite preview` sends the headers that
 * make the page cross-origin isolated (vite.config.ts): its scenarios run in realms without an engine. `isolated:
 * false` serves it as a static host that sends none, and its pages block the service worker that would add them:
 * scenarios then run in realms with an engine of their own (src/worker/script-workers.ts).
 */
export async function servePage({ build = true, outDir = "dist", isolated = true } = {}): Promise<Served> {
  requireChromium(); // before building: the build takes a while, and without a browser it is for nothing
  if (build) buildPage(outDir);
  if (!isolated) {
    const { url, server } = await serveStatic(outDir, "/");
    const browser = await launchChromium().catch((e: unknown) => (server.close(), Promise.reject(e)));
    return {
      url,
      browser,
      isolated: false,
      async close() {
        await browser.close();
        server.close();
      },
    };
  }
  const port = await freePort();
  const server = spawn(process.execPath, ["node_modules/vite/bin/vite.js", "preview", "--host", "127.0.0.1", "--port", String(port), "--strictPort", "--outDir", outDir], {
    stdio: "ignore",
  });
  const url = `http://127.0.0.1:${port}/`;
  try {
    await waitForServer(url, server);
    const browser = await launchChromium();
    return {
      url,
      browser,
      async close() {
        await browser.close();
        server.kill();
      },
    };
  } catch (e) {
    server.kill();
    throw e;
  }
}

/** A fresh page, in a context of its own (at `fragment`'s link when given), that records console errors and warnings (the page must have none); `beforeLoad` may set it up before it navigates. */
export async function openPage(
  served: Served,
  {
    width = 1280,
    height = 720,
    beforeLoad,
    fragment = "",
  }: { width?: number; height?: number; beforeLoad?: (page: Page) => Promise<unknown>; /** the address's `#…`, for a page opened at a link */ fragment?: string } = {},
): Promise<{ page: Page; problems: string[] }> {
  const context = await served.browser.newContext({ viewport: { width, height }, ...(served.isolated === false ? { serviceWorkers: "block" as const } : {}) });
  const page = await context.newPage();
  await beforeLoad?.(page);
  const problems: string[] = [];
  page.on("console", (m) => {
    // (a page served as not isolated has its service worker blocked: Chromium says so, and that is the test's own doing)
    if (served.isolated === false && m.text() === "Service Worker registration blocked by Playwright") return;
    if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  await page.goto(`${served.url}${fragment}`);
  return { page, problems };
}

/** Replace the editor's text as a user pasting it would. */
export async function setScenario(page: Page, text: string): Promise<void> {
  await page.waitForSelector('[data-testid="editor"][data-editor="monaco"]', { timeout: 30_000 });
  await page.click('[data-testid="editor"] .view-lines');
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(text);
}

/** Ctrl+Enter, then wait for the run to end (the page counts finished runs). */
export async function runWithKeyboard(page: Page): Promise<void> {
  const runs = Number(await page.getAttribute('[data-testid="trace-hash"]', "data-runs"));
  await page.keyboard.press("Control+Enter");
  await page.waitForSelector(`[data-testid="trace-hash"][data-runs="${runs + 1}"]`, { state: "attached", timeout: 30_000 }); // (empty, so hidden, after a script that could not run)
}

/** Wait until the console lists more than `n` lines, as it does while a run streams them: the run is under way. */
export async function waitForConsoleLines(page: Page, n: number): Promise<void> {
  await page.waitForFunction(
    (n) => Number(/(\d+) lines/.exec(document.querySelector('[data-testid="console"] .download')?.textContent ?? "")?.[1] ?? 0) > n,
    n,
    { timeout: 30_000 },
  );
}
