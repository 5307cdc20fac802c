/**
 * The examples gallery: every top-level file of playground-scripts/ (subfolders, such as lessons/, are not
 * examples), with its title and a line saying what it shows, both from the file itself: its
 * `scenario({ title })` and its leading comment. Groups follow a rule on the file name, so adding a file adds
 * an example with no other edit.
 */
import { scenarioTitle } from "./scenario-literal.ts";

const files = import.meta.glob<string>("../../playground-scripts/*.ts", { query: "?raw", import: "default", eager: true });

export interface Example {
  /** The file name without `.ts`: `#example/<name>`. */
  name: string;
  title: string;
  /** The first sentence of the leading comment. */
  summary: string;
  group: string;
  text: string;
}

/** In the menu's order; a file goes to the first group whose rule matches its name. */
const GROUPS: { group: string; test: RegExp }[] = [
  { group: "Start here", test: /^first$/ },
  { group: "The proposals (#6236)", test: /^policy-/ },
  { group: "flux-core's own tests", test: /^t\d{4}-/ },
  { group: "Recovery and fsck", test: /crash|recovery|checkpoint|dangling|fsck/ },
  { group: "ENOSPC in Flux today", test: /./ },
];

export const EXAMPLES: readonly Example[] = Object.entries(files)
  .map(([path, text]) => exampleOf(path.replace(/^.*\//, "").replace(/\.ts$/, ""), text))
  .sort((a, b) => groupIndex(a.group) - groupIndex(b.group) || a.name.localeCompare(b.name));

export const GROUP_NAMES: readonly string[] = GROUPS.map((g) => g.group).filter((group) => EXAMPLES.some((e) => e.group === group));

/** By file name, with or without `.ts`. */
export function findExample(name: string): Example | undefined {
  return EXAMPLES.find((e) => e.name === name.replace(/\.ts$/, ""));
}

function exampleOf(name: string, text: string): Example {
  return { name, title: scenarioTitle(text) ?? name, summary: leadingSummary(text), group: GROUPS.find((g) => g.test.test(name))!.group, text };
}

function groupIndex(group: string): number {
  return GROUPS.findIndex((g) => g.group === group);
}

/** The first sentence of the script's leading `//` comment (what it shows). */
function leadingSummary(text: string): string {
  const comment: string[] = [];
  for (const line of text.split("\n")) {
    const m = /^\s*\/\/\s?(.*)$/.exec(line);
    if (!m) break;
    comment.push(m[1]!.trim());
  }
  const joined = comment.join(" ").trim();
  const sentence = /^.*?[.](?=\s|$)/.exec(joined)?.[0] ?? joined;
  return sentence.length > 160 ? `${sentence.slice(0, 157)}…` : sentence;
}
