/**
 * Each lesson's hints, applied in order to its starting script as its data
 * says (issue #20: lesson 3's hints once made its goal impossible), lead to the
 * goal through the real engine, with the page's recorder. Every edit must find
 * its place exactly once, so a hint that no longer fits the script fails here.
 */
import { describe, expect, it } from "vitest";
import { goalMet, onPath, type Lesson, type LessonRun } from "../src/tutorial/lesson.ts";
import { LESSONS, startFile } from "../src/tutorial/lessons.ts";
import { runRecorded, script } from "./helpers.ts";

function applyHints(lesson: Lesson, text: string): string {
  for (const [n, hint] of lesson.hints.entries()) {
    if (!hint.edit) continue;
    const { find, replace } = hint.edit;
    const at = text.indexOf(find);
    expect(at, `hint ${n + 1} of ${lesson.slug}: ${JSON.stringify(find)} is not in the script`).toBeGreaterThanOrEqual(0);
    expect(text.indexOf(find, at + 1), `hint ${n + 1} of ${lesson.slug}: ${JSON.stringify(find)} is in the script twice`).toBe(-1);
    text = text.slice(0, at) + replace + text.slice(at + find.length);
  }
  return text;
}

async function lessonRun(text: string): Promise<LessonRun> {
  const { trace, frames, trees, ...result } = await runRecorded(text);
  return { events: trace, frames, trees, result };
}

describe("each lesson's hints, applied to its starting script", () => {
  for (const [n, lesson] of LESSONS.entries()) {
    it(`${n + 1}. ${lesson.title}: reach the goal and reveal the prediction's answer`, async () => {
      expect(lesson.hints.some((h) => h.edit)).toBe(true);
      const r = await lessonRun(applyHints(lesson, script(startFile(lesson))));
      expect(r.result.error).toBeUndefined();
      expect(onPath(lesson, r)).toBe(true);
      expect(lesson.goal(r).filter((item) => !item.done).map((item) => item.label)).toEqual([]);
      expect(goalMet(lesson.goal(r))).toBe(true);
      expect(lesson.predict.choices.map((c) => c.id)).toContain(lesson.predict.reveal(r));
    });
  }
});
