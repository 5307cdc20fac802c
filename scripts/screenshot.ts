/**
 * README's screenshot: the built page after a run of the default scenario, in
 * Debian's Chromium. `npm run screenshot [-- OUT.png]` (default docs/screenshot.png).
 */
import { openPage, runWithKeyboard, servePage } from "../test/browser/launch.ts";

const out = process.argv[2] ?? "docs/screenshot.png";
const served = await servePage({ outDir: "dist-screenshot" });
try {
  const { page } = await openPage(served, { width: 1440, height: 900 });
  await page.waitForSelector('[data-testid="editor"][data-editor="monaco"]', { timeout: 30_000 });
  await page.click('[data-testid="editor"] .view-lines');
  await runWithKeyboard(page);
  await page.screenshot({ path: out });
  console.log(`wrote ${out}`);
} finally {
  await served.close();
}
