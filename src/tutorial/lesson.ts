/**
 * What a lesson is (design.md §6): data, not a page of code. Its text, the
 * scripts it starts from and ends with (playground-scripts/lessons/, named
 * by `script`), hints, a question to answer before the key run, and a goal.
 *
 * The goal and the question's answer are pure functions of a run's result
 * (what the engine worker sends the page: trace events, frames, trees, the
 * script's outcome), never of the script's text: the page and `npm test`
 * call the very same functions.
 */
import type { TraceEvent } from "../engine/sim/trace.ts";
import type { ScenarioResult } from "../runner/run-scenario.ts";
import type { Frame, TreeNode } from "../worker/protocol.ts";

/** The parts of a run (src/worker/protocol.ts RunResult) a goal may read. */
export interface LessonRun {
  events: readonly TraceEvent[];
  frames: readonly Frame[];
  trees: Readonly<Record<string, TreeNode>>;
  result: ScenarioResult;
}

/**
 * Where a claim comes from, as the reader can check it: a flux-core PR, issue
 * or source file (a link to GitHub), or what real flux-core printed when this
 * project ran it (said in words: the reader has no other page to open).
 */
export interface Source {
  label: string;
  href?: string;
}

const FLUX_CORE = "https://github.com/flux-framework/flux-core";
// (GitHub sends /pull/N of an issue to /issues/N and back, so a link works whichever of the two N is)
const numberHref = (n: number) => `${FLUX_CORE}/issues/${n}`;
export const pr = (n: number, what: string): Source => ({ label: `flux-core #${n}: ${what}`, href: `${FLUX_CORE}/pull/${n}` });
export const issue = (n: number, what: string): Source => ({ label: `flux-core #${n}: ${what}`, href: numberHref(n) });
/** A file of flux-core 0.88.0, the release the model follows. */
export const code = (path: string, what: string): Source => ({ label: `flux-core 0.88.0 ${path}: ${what}`, href: `${FLUX_CORE}/blob/v0.88.0/${path}` });
/** What this project saw real flux-core 0.88 do (built from source, statedir on a small tmpfs). */
export const measured = (what: string): Source => ({ label: `Run on real flux-core 0.88: ${what}` });
/** An issue or PR number in a lesson's Markdown: a link to its GitHub page (the glossary test refuses a bare #N). */
export const gh = (n: number): string => `[#${n}](${numberHref(n)})`;

export interface GoalItem {
  label: string;
  done: boolean;
}

export interface Prediction {
  question: string;
  choices: { id: string; label: string }[];
  /** The choice the run shows to be true, or undefined when the run did not get that far. */
  reveal: (run: LessonRun) => string | undefined;
  /** Why, in a sentence or two, shown once the run revealed the answer. */
  why: string;
}

/** A hint, and the edit of the script that does what it says (test/tutorial-hints.test.ts applies them all to the starting script). */
export interface Hint {
  text: string;
  /** Replace the one occurrence of `find` in the script by `replace`; absent for a hint that only explains. */
  edit?: { find: string; replace: string };
}

export interface Lesson {
  slug: string;
  title: string;
  /** Markdown: one screen, every term explained at first use; it never gives away the prediction's answer. */
  text: string;
  /** Markdown shown once a run revealed the prediction's answer: the explanation the text kept back. */
  afterRun?: string;
  /**
   * The policies the lesson's goal is about. Once a run on the path was made, a run under another
   * policy (the reader trying something) leaves the goal as the path's run left it, and is shown
   * beside it as "under <policy>: …". (Before that, e.g. a starting script under upstream, the goal
   * reads the latest run.)
   */
  path: readonly string[];
  /** The flux-core PRs and issues, and the flux-model.md sections, the lesson's claims come from. */
  sources: Source[];
  /** What real flux-core 0.88 printed for the same story, when there is a transcript: shown after the run, as it gives the answer away. */
  realFlux?: { caption: string; lines: string };
  /** playground-scripts/lessons/<script>.start.ts and <script>.solution.ts */
  script: string;
  hints: Hint[];
  predict: Prediction;
  goal: (run: LessonRun) => GoalItem[];
}

export const goalMet = (items: readonly GoalItem[]): boolean => items.length > 0 && items.every((item) => item.done);

/** Whether a run counts for the lesson's goal (its policy is on the lesson's path; "upstream+custom" is upstream's). */
export const onPath = (lesson: Lesson, run: LessonRun): boolean => lesson.path.includes(run.result.policy.replace(/\+custom$/, ""));
