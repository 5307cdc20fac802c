/**
 * Every term and person the lessons name is explained at its first use
 * (issue #20): reading the lessons in order (each one's text, question,
 * choices, hints, the text shown after the run, the answer's why), the first
 * use of a glossary term must be its definition, in bold. Issue and PR numbers
 * are links, and no lesson names a file the reader of the page cannot open.
 */
import { describe, expect, it } from "vitest";
import { GLOSSARY } from "../src/tutorial/glossary.ts";
import type { Lesson } from "../src/tutorial/lesson.ts";
import { LESSONS } from "../src/tutorial/lessons.ts";

/** The lesson's Markdown in the order a reader meets it. */
const readingOrder = (l: Lesson): { where: string; text: string }[] => [
  { where: "text", text: l.text },
  { where: "question", text: [l.predict.question, ...l.predict.choices.map((c) => c.label)].join("\n") },
  ...l.hints.map((h, n) => ({ where: `hint ${n + 1}`, text: h.text })),
  { where: "after the run", text: l.afterRun ?? "" },
  { where: "why", text: l.predict.why },
];

/** Where each `**bold**` span of a text starts and ends. */
function boldSpans(text: string): [number, number][] {
  return [...text.matchAll(/\*\*(.+?)\*\*/gs)].map((m) => [m.index, m.index + m[0].length]);
}

/** The first use of a term in the tutorial: the lesson, the part, and whether it is bold there. */
function firstUse(uses: RegExp) {
  for (const lesson of LESSONS) {
    for (const part of readingOrder(lesson)) {
      const m = new RegExp(uses.source, uses.flags.replace("g", "")).exec(part.text);
      if (!m) continue;
      const bold = boldSpans(part.text).some(([from, to]) => m.index >= from && m.index + m[0].length <= to);
      return { at: `${lesson.slug}, ${part.where}: …${part.text.slice(Math.max(0, m.index - 40), m.index + 40)}…`, bold };
    }
  }
  return undefined;
}

describe("the lessons' words", () => {
  for (const entry of GLOSSARY) {
    it(`"${entry.term}" is defined (in bold) where a reader first meets it`, () => {
      const first = firstUse(entry.uses);
      expect(first, `"${entry.term}" is in the glossary but no lesson uses it`).toBeDefined();
      expect(first!.bold, `first use of "${entry.term}" is not its definition: ${first!.at}`).toBe(true);
    });
  }

  it("link every flux-core issue and PR number, and name no file the page cannot open", () => {
    for (const lesson of LESSONS) {
      for (const part of readingOrder(lesson)) {
        const bare = part.text.replace(/\[#\d+\]\(https:\/\/github\.com\/flux-framework\/flux-core\/(issues|pull)\/\d+\)/g, "");
        expect(bare, `${lesson.slug}, ${part.where}`).not.toMatch(/#\d{3,}/);
        expect(part.text, `${lesson.slug}, ${part.where}`).not.toMatch(/flux-model\.md|\bsrc\/|playground-scripts\//);
      }
      for (const source of lesson.sources) expect(source.label, lesson.slug).not.toMatch(/flux-model\.md|§/);
    }
  });

  it("fail a term used before its definition (the check can fail)", () => {
    expect(firstUse(/\bcheckpoint\b/)?.bold).toBe(true);
    const undefinedFirst = firstUse(/\bmodules?\b/); // not a glossary term: its first use is plain text
    expect(undefinedFirst?.bold).toBe(false);
  });
});
