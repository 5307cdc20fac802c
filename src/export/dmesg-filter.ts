/**
 * What a `flux.dmesg(...)` read filtered on. The script applies its filter itself, out of the engine's sight,
 * so this is the one part of an export read from the script's text: the literal at the read's line, as grep
 * will take it. Anything but a string or a regular expression literal (a variable, an options object) is
 * not exportable: the test could not say what to grep for.
 */
import { dmesg } from "../engine/api/scenario-api.ts";
import type { DmesgStep } from "./recording-port.ts";

export type DmesgFilter = { kind: "all" } | { kind: "level"; level: string } | { kind: "fixed"; text: string } | { kind: "regex"; source: string; flags: string } | { kind: "unknown"; why: string };

const CALL = /flux\.dmesg\(\s*(?:\)|"((?:[^"\\]|\\.)*)"\s*\)|'((?:[^'\\]|\\.)*)'\s*\)|`([^`$\\]*)`\s*\)|\/((?:[^/\\\n]|\\.)+)\/([a-z]*)\s*\)|\{\s*level:\s*["'](\w+)["']\s*\}\s*\))/g;

export function dmesgFilterAt(sourceLines: readonly string[], line: number | undefined): DmesgFilter {
  const text = line === undefined ? undefined : sourceLines[line - 1];
  if (text === undefined) return { kind: "unknown", why: "the line of this flux.dmesg() read is not known" };
  const found = [...text.matchAll(CALL)].map(filterOf);
  const distinct = new Set(found.map((f) => JSON.stringify(f)));
  if (found.length === 0) return { kind: "unknown", why: "flux.dmesg() is filtered with something other than a string or a regular expression literal" };
  if (distinct.size > 1) return { kind: "unknown", why: "this line reads flux.dmesg() with different filters; put each read on its own line" };
  return found[0]!;
}

function filterOf(m: RegExpMatchArray): DmesgFilter {
  const [, dq, sq, bq, re, flags, level] = m;
  if (level !== undefined) return { kind: "level", level };
  try {
    if (dq !== undefined) return { kind: "fixed", text: JSON.parse(`"${dq}"`) as string };
    if (sq !== undefined) return { kind: "fixed", text: JSON.parse(`"${sq.replace(/\\'/g, "'").replace(/"/g, '\\"')}"`) as string };
  } catch {
    return { kind: "unknown", why: "the flux.dmesg() filter's escapes are not plain JSON ones" };
  }
  if (bq !== undefined) return { kind: "fixed", text: bq };
  if (re !== undefined) return { kind: "regex", source: re, flags: flags ?? "" };
  return { kind: "all" };
}

/** How many lines the model's dmesg held for this filter at this read. */
export function modelCount(step: DmesgStep, filter: DmesgFilter): number {
  if (filter.kind === "unknown") return 0;
  const arg = filter.kind === "all" ? undefined : filter.kind === "level" ? { level: filter.level as never } : filter.kind === "fixed" ? filter.text : new RegExp(filter.source, filter.flags);
  return dmesg(step.logs, arg).length;
}
