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

/** A flux-core PR or issue (with its address), or a section of the project's flux-model.md (label only). */
export interface Source {
  label: string;
  href?: string;
}

const FLUX_CORE = "https://github.com/flux-framework/flux-core";
// (GitHub sends /pull/N of an issue to /issues/N and back, so a link works whichever of the two N is)
export const pr = (n: number, what: string): Source => ({ label: `flux-core #${n}: ${what}`, href: `${FLUX_CORE}/pull/${n}` });
export const issue = (n: number, what: string): Source => ({ label: `flux-core #${n}: ${what}`, href: `${FLUX_CORE}/issues/${n}` });
export const model = (section: string, what: string): Source => ({ label: `flux-model.md ${section}: ${what}` });

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

export interface Lesson {
  slug: string;
  title: string;
  /** Markdown: one screen, every term explained at first use. */
  text: string;
  /** The flux-core PRs and issues, and the flux-model.md sections, the lesson's claims come from. */
  sources: Source[];
  /** What real flux-core 0.88 printed for the same story (flux-model.md §11/§13), when there is a transcript. */
  realFlux?: { caption: string; lines: string };
  /** playground-scripts/lessons/<script>.start.ts and <script>.solution.ts */
  script: string;
  hints: string[];
  predict: Prediction;
  goal: (run: LessonRun) => GoalItem[];
}

export const goalMet = (items: readonly GoalItem[]): boolean => items.length > 0 && items.every((item) => item.done);
