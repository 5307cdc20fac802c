/**
 * A navigation is never undone by the address following the editor, in the built page in Chromium.
 *
 * The address follows the editor 300 ms after its last change (ShareBar.svelte). A navigation (a lesson's Next or
 * Alt+PageDown, an example, a link, Back) sets the address at once, and the page opens what it names when the
 * hashchange event comes, a task later. On a busy main thread the page's due timer can run in between: the address
 * of the text on screen was then written over the new one, the hashchange read the old address back, and the
 * navigation was lost (the tutorial's keyboard test failed so twice in about seven full runs). These tests hold each
 * navigation's hashchange back until after that timer, so the race is taken every time.
 */
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { scenarioTitle } from "../../src/share/scenario-literal.ts";
import { encodeScenario } from "../../src/share/link.ts";
import { LESSONS, solutionFile, startFile } from "../../src/tutorial/lessons.ts";
import { ENGINE_VERSION } from "../../src/version.ts";
import { openPage, setScenario } from "./launch.ts";
import { served, servePagePerFile } from "./page-per-file.ts";

servePagePerFile(".tmp/dist-navigation");

/** Longer than the address's 300 ms: the page's timer runs before the hashchange does. */
const HOLD_MS = 400;

const address = (page: Page) => page.evaluate(() => location.hash);
const heading = (page: Page) => page.textContent('[data-testid="lesson"] h2');
const originLabel = (page: Page) => page.textContent('[data-testid="origin"]');
const exampleTitle = (name: string) => scenarioTitle(readFileSync(`playground-scripts/${name}.ts`, "utf8"));
/** The editor's whole text (the page keeps it in the browser as it changes; Monaco draws only the lines in view). */
const editorText = (page: Page) => page.evaluate(() => localStorage.getItem("flux-enospc-playground:scenario"));
const hasOrigin = (page: Page) => page.locator('[data-testid="origin"]').count().then((n) => n > 0);

/**
 * A page whose next hashchange can be held back, as a busy main thread may, and then given to it. The hook is
 * installed before the page's own code: at the window, Chromium calls hashchange listeners in the order they were
 * added, capturing or not.
 */
function openHoldingPage({ ownText }: { ownText?: string } = {}) {
  return openPage(served, {
    width: 1280,
    height: 800,
    beforeLoad: (page) =>
      page.addInitScript(({ ms, ownText }) => {
        // the text this browser's editor held last (a user's own script), as a returning user's page finds it
        if (ownText !== undefined && localStorage.getItem("flux-enospc-playground:scenario") === null) localStorage.setItem("flux-enospc-playground:scenario", ownText);
        let holdNext = false;
        (window as unknown as { holdNextHashchange(): void }).holdNextHashchange = () => (holdNext = true);
        addEventListener(
          "hashchange",
          (e: HashChangeEvent) => {
            if (!holdNext || !e.isTrusted) return;
            holdNext = false;
            e.stopImmediatePropagation();
            setTimeout(() => dispatchEvent(new HashChangeEvent("hashchange", { oldURL: e.oldURL, newURL: e.newURL })), ms);
          },
          true,
        );
      }, { ms: HOLD_MS, ownText }),
  });
}

/** What a test does in the page: open an address (and wait for the page to open it), wait, hold the next hashchange back, type a seed (an edit), click, set the address, go Back. */
type Step = { open: string } | { wait: number } | { hold: true } | { seed: string } | { click: string } | { hash: string } | { back: true };

/** The steps in one go in the page, so that no round trip from the test falls in the address's 300 ms. */
function inPage(page: Page, steps: Step[]): Promise<void> {
  return page.evaluate(async (steps) => {
    for (const step of steps) {
      if ("open" in step) {
        const opened = new Promise((r) => addEventListener("hashchange", r, { once: true })); // after the page's listeners
        location.hash = step.open;
        await opened;
      } else if ("wait" in step) await new Promise((r) => setTimeout(r, step.wait));
      else if ("hold" in step) (window as unknown as { holdNextHashchange(): void }).holdNextHashchange();
      else if ("seed" in step) {
        const seed = document.querySelector('[data-testid="seed"]') as HTMLInputElement;
        seed.value = step.seed;
        seed.dispatchEvent(new Event("input", { bubbles: true }));
      } else if ("click" in step) {
        // the element may be drawn a frame after the step before (the drafts list after an open): wait for it, not longer
        let element = document.querySelector<HTMLElement>(step.click);
        for (const until = performance.now() + 10_000; !element && performance.now() < until; element = document.querySelector<HTMLElement>(step.click))
          await new Promise((r) => requestAnimationFrame(r));
        if (!element) throw new Error(`no ${step.click} within 10 s`);
        element.click();
      }
      else if ("hash" in step) location.hash = step.hash;
      else history.back();
    }
  }, steps);
}

const NEXT_LESSON = '[data-testid="lesson-next"]';

/** Long enough for the held hashchange, the address's 300 ms after it and a link's encoding. */
const settle = (page: Page) => page.evaluate(() => new Promise((r) => setTimeout(r, 1500)));

describe("a navigation and the address", () => {
  it("a lesson opened from the list keeps its address: the lesson's script is not taken for an edit", async () => {
    const { page, problems } = await openHoldingPage();
    await page.click('[data-testid="lesson-list"] a >> nth=0');
    await expect.poll(() => heading(page)).toContain("1. The stack");
    await settle(page);
    await expect.poll(() => address(page)).toBe("#lesson/1");
    await expect.poll(() => page.getAttribute('[data-testid="origin"]', "data-edited")).toBe("false");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("the next lesson opens and keeps its address whenever in the address's 300 ms it is asked for", async () => {
    const { page, problems } = await openHoldingPage();
    for (const [n, delay] of [0, 100, 200, 280].entries()) {
      const from = 2 * n; // lessons 1, 3, 5 and 7 (indexes 0, 2, 4, 6), each a new address
      await inPage(page, [{ open: `#lesson/${from + 1}` }, { wait: delay }, { hold: true }, { click: NEXT_LESSON }]);
      await settle(page);
      await expect.poll(() => heading(page), { message: `Next ${delay} ms after lesson ${from + 1} opened` }).toContain(`${from + 2}. ${LESSONS[from + 1]!.title}`);
      await expect.poll(() => address(page)).toBe(`#lesson/${from + 2}`);
    }
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("Show solution then Next at once opens the next lesson", async () => {
    const { page, problems } = await openHoldingPage();
    await inPage(page, [{ open: "#lesson/1" }, { click: '[data-testid="lesson-solution"]' }, { hold: true }, { click: NEXT_LESSON }]);
    await settle(page);
    await expect.poll(() => heading(page)).toContain(`2. ${LESSONS[1]!.title}`);
    await expect.poll(() => address(page)).toBe("#lesson/2");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  /** Two ways to come to the crash-recovery example while an edit is about to be written in the address. */
  const toCrashRecovery = [
    { what: "an example picked right after an edit opens", opened: ["#example/t0011-content-cache"], navigation: { click: '[data-testid="example-crash-recovery"]' } },
    { what: "Back right after an edit goes back", opened: ["#example/crash-recovery", "#example/policy-reserve"], navigation: { back: true } },
  ] satisfies { what: string; opened: string[]; navigation: Step }[];
  for (const { what, opened, navigation } of toCrashRecovery) {
    it(what, async () => {
      const { page, problems } = await openHoldingPage();
      await inPage(page, [...opened.map((open) => ({ open })), { hold: true }, { seed: "5" }, navigation]);
      await settle(page);
      await expect.poll(() => originLabel(page)).toBe(`from example ${exampleTitle("crash-recovery")}`);
      await expect.poll(() => address(page)).toBe("#example/crash-recovery");
      expect(problems).toEqual([]);
      await page.context().close();
    });
  }

  it("a link opened right after an edit opens, and the address is the link", async () => {
    const { page, problems } = await openHoldingPage();
    const link = `#s=${await encodeScenario({ text: `scenario({ title: "From a link" });\nawait flux.start();\n`, settings: { seed: "7" }, engineVersion: ENGINE_VERSION })}`;
    await inPage(page, [{ open: "#example/crash-recovery" }, { hold: true }, { seed: "5" }, { hash: link }]);
    await settle(page);
    await expect.poll(() => originLabel(page)).toBe("from a shared link");
    await expect.poll(() => page.inputValue('[data-testid="seed"]')).toBe("7");
    await expect.poll(() => address(page)).toBe(link);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("an example picked right after a draft was restored opens", async () => {
    const { page, problems } = await openHoldingPage();
    // the first open puts the default text aside in the drafts
    await inPage(page, [{ open: "#example/crash-recovery" }, { hold: true }, { click: '[data-testid="draft-item"]' }, { click: '[data-testid="example-policy-reserve"]' }]);
    await settle(page);
    await expect.poll(() => originLabel(page)).toBe(`from example ${exampleTitle("policy-reserve")}`);
    await expect.poll(() => address(page)).toBe("#example/policy-reserve");
    expect(problems).toEqual([]);
    await page.context().close();
  });
});

/**
 * Back and Forward show what each history entry's address names (design.md §5): an edited lesson's or example's
 * `#s=` link with the lesson or example it was edited from, nothing with the user's own draft; the lesson pane,
 * the editor and the address agree, and nothing typed is lost.
 */
describe("Back and Forward", () => {
  const OWN = `scenario({ title: "My own script" });\nawait flux.start();\nlog("mine");\n`;
  const lessonTitle = (n: number) => `${n}. ${LESSONS[n - 1]!.title}`;
  const listHeading = "Learn Flux's ENOSPC design by breaking it";
  /** Nothing in the address, and the user's own draft in the editor. */
  const expectOwnDraft = async (page: Page) => {
    await expect.poll(() => address(page)).toBe("");
    await expect.poll(() => editorText(page)).toBe(OWN);
  };

  it("Back onto a lesson whose solution was shown opens that lesson with the solution; Forward the next lesson", async () => {
    const { page, problems } = await openHoldingPage();
    await inPage(page, [{ open: "#lesson/1" }, { wait: 100 }, { click: '[data-testid="lesson-solution"]' }]);
    await settle(page);
    await expect.poll(() => address(page)).toMatch(/^#s=1\./);
    const solved = await address(page);
    await inPage(page, [{ click: NEXT_LESSON }]);
    await settle(page);
    await expect.poll(() => heading(page)).toContain(lessonTitle(2));

    for (let round = 0; round < 2; round++) {
      await page.goBack();
      await settle(page);
      await expect.poll(() => heading(page), { message: `Back, round ${round + 1}` }).toContain(lessonTitle(1));
      await expect.poll(() => editorText(page)).toBe(readFileSync(solutionFile(LESSONS[0]!), "utf8"));
      await expect.poll(() => address(page)).toBe(solved);
      await expect.poll(() => originLabel(page)).toBe("from lesson 1 · edited");

      await page.goForward();
      await settle(page);
      await expect.poll(() => heading(page), { message: `Forward, round ${round + 1}` }).toContain(lessonTitle(2));
      await expect.poll(() => editorText(page)).toBe(readFileSync(startFile(LESSONS[1]!), "utf8"));
      await expect.poll(() => address(page)).toBe("#lesson/2");
    }
    // a reload of the solved lesson's entry is the same page
    await page.goBack();
    await settle(page);
    await page.reload();
    await expect.poll(() => heading(page)).toContain(lessonTitle(1));
    await settle(page);
    await expect.poll(() => editorText(page)).toBe(readFileSync(solutionFile(LESSONS[0]!), "utf8"));
    await expect.poll(() => address(page)).toBe(solved);
    await expect.poll(() => originLabel(page)).toBe("from lesson 1 · edited");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("Back to no address from an edited example shows the user's own draft; Forward the edited example", async () => {
    const { page, problems } = await openHoldingPage({ ownText: OWN });
    await settle(page);
    await expectOwnDraft(page);
    await inPage(page, [{ click: '[data-testid="example-crash-recovery"]' }]);
    await settle(page);
    await inPage(page, [{ seed: "5" }]);
    await settle(page);
    await expect.poll(() => address(page)).toMatch(/^#s=1\./);
    const edited = await address(page);

    await page.goBack();
    await settle(page);
    await expectOwnDraft(page);
    await expect.poll(() => page.inputValue('[data-testid="seed"]')).toBe("");
    await expect.poll(() => hasOrigin(page)).toBe(false);

    await page.goForward();
    await settle(page);
    await expect.poll(() => address(page)).toBe(edited);
    await expect.poll(() => editorText(page)).toBe(readFileSync("playground-scripts/crash-recovery.ts", "utf8"));
    await expect.poll(() => page.inputValue('[data-testid="seed"]')).toBe("5");
    await expect.poll(() => originLabel(page)).toBe(`from example ${exampleTitle("crash-recovery")} · edited`);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("Back to no address from a lesson shows the user's own draft, and the tutorial leaves the lesson", async () => {
    const { page, problems } = await openHoldingPage({ ownText: OWN });
    await settle(page);
    await page.click('[data-testid="lesson-list"] a >> nth=2');
    await expect.poll(() => heading(page)).toContain(lessonTitle(3));
    await settle(page);

    await page.goBack();
    await settle(page);
    await expectOwnDraft(page);
    await expect.poll(() => heading(page)).toBe(listHeading);

    await page.goForward();
    await settle(page);
    await expect.poll(() => heading(page)).toContain(lessonTitle(3));
    await expect.poll(() => editorText(page)).toBe(readFileSync(startFile(LESSONS[2]!), "utf8"));
    await expect.poll(() => address(page)).toBe("#lesson/3");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("text typed in a lesson right before Next is kept in the drafts list", async () => {
    const { page, problems } = await openHoldingPage();
    await inPage(page, [{ open: "#lesson/1" }]);
    await setScenario(page, `scenario({ title: "Typed in lesson 1" });\nawait flux.start();\n`);
    await inPage(page, [{ hold: true }, { click: NEXT_LESSON }]); // before the address has followed the typing
    await settle(page);
    await expect.poll(() => heading(page)).toContain(lessonTitle(2));
    await page.click('[data-testid="drafts"]');
    await expect.poll(() => page.locator('[data-testid="draft-item"]').first().textContent()).toContain("Typed in lesson 1");
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it("free play's way back to the user's own script is the address with nothing in it; Back returns to the example", async () => {
    const { page, problems } = await openHoldingPage({ ownText: OWN });
    await inPage(page, [{ open: "#lesson/free-play" }, { click: '[data-testid="lesson"] a[href="#example/crash-recovery.ts"]' }]);
    await settle(page);
    await expect.poll(() => originLabel(page)).toBe(`from example ${exampleTitle("crash-recovery")}`);
    await page.click('[data-testid="own-draft"]');
    await settle(page);
    await expectOwnDraft(page);
    await expect.poll(() => hasOrigin(page)).toBe(false);
    await page.goBack();
    await settle(page);
    await expect.poll(() => address(page)).toBe("#example/crash-recovery.ts");
    await expect.poll(() => originLabel(page)).toBe(`from example ${exampleTitle("crash-recovery")}`);
    await expect.poll(() => heading(page)).toBe("Free play");
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
