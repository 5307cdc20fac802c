/** The page benches' one timed run: click Run, and wait until the result is on screen. */
import type { Page } from "playwright-core";

/** The ms from the click until the result is on screen, and until the worker's result had arrived (the page's "run:worker" measure). */
export async function timedRun(page: Page): Promise<{ ms: number; workerMs: number }> {
  const runs = Number(await page.getAttribute('[data-testid="trace-hash"]', "data-runs"));
  return page.evaluate(async (before) => {
    const t0 = performance.now();
    (document.querySelector('[data-testid="run"]') as HTMLButtonElement).click();
    while (document.querySelector('[data-testid="trace-hash"]')?.getAttribute("data-runs") !== String(before + 1)) {
      await new Promise((r) => setTimeout(r, 1));
    }
    await new Promise((r) => requestAnimationFrame(r));
    const worker = performance.getEntriesByName("run:worker").at(-1)!;
    return { ms: performance.now() - t0, workerMs: worker.startTime + worker.duration - t0 };
  }, runs);
}
