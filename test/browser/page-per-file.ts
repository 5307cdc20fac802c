/**
 * The built page served, and one page open in it, for the tests of one file: call `servePagePerFile()` at the
 * top of the file; `served`, `page` and `problems` (its console errors and warnings) are set before its tests run.
 * (Live bindings: each test file gets its own instance of this module.)
 */
import type { Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { openPage, servePage, type Served } from "./launch.ts";

export let served: Served;
export let page: Page;
export let problems: string[];

/**
 * `outDir`: where this file's build goes (a folder of its own for each file, as test files run in parallel);
 * `isolated`: false for a page that is not cross-origin isolated (launch.ts servePage).
 */
export function servePagePerFile(outDir = "dist", { isolated = true } = {}): void {
  beforeAll(async () => {
    served = await servePage({ outDir, isolated });
    ({ page, problems } = await openPage(served));
  }, 180_000);

  afterAll(async () => {
    await served?.close();
  });
}
