/** The lessons' start and solution scripts as text, for the page (bundled by Vite; tests read the files from disk). */
import type { Lesson } from "./lesson.ts";

const files = import.meta.glob<string>("../../playground-scripts/lessons/*.ts", { query: "?raw", import: "default", eager: true });

function scriptText(name: string): string {
  const text = files[`../../playground-scripts/lessons/${name}`];
  if (text === undefined) throw new Error(`no lesson script ${name}`);
  return text;
}

export const startScript = (lesson: Lesson) => scriptText(`${lesson.script}.start.ts`);
export const solutionScript = (lesson: Lesson) => scriptText(`${lesson.script}.solution.ts`);
