/**
 * What the address bar says for what is on screen, and the links the page hands out. Pure functions of the
 * editor's text, the controls and where the text came from.
 */
import type { LinkSettings, SharedScenario } from "./link.ts";

/** Where the editor's text came from, to mark it edited and to keep a short or author's link while it is not. */
export type Origin =
  | { kind: "example"; name: string; text: string; settings: LinkSettings }
  | { kind: "lesson"; id: string; text: string; settings: LinkSettings }
  | { kind: "link"; fragment: string; scenario: SharedScenario };

/** A run of this page: what it ran and the trace hash it got. */
export interface PageRun {
  text: string;
  settings: LinkSettings;
  traceHash: string;
}

/** The controls as a link carries them: only those set, trimmed. */
export function settingsOf(policy: string, disk: string, seed: string, limit = ""): LinkSettings {
  return {
    ...(policy ? { policy } : {}),
    ...(disk.trim() ? { disk: disk.trim() } : {}),
    ...(seed.trim() ? { seed: seed.trim() } : {}),
    ...(limit.trim() ? { limit: limit.trim() } : {}),
  };
}

/** The same controls (the limit too: it changes no run that ends by itself, but a link carries it, so the address must follow it). */
export function sameSettings(a: LinkSettings, b: LinkSettings): boolean {
  return (a.policy ?? "") === (b.policy ?? "") && (a.disk ?? "") === (b.disk ?? "") && (a.seed ?? "") === (b.seed ?? "") && (a.limit ?? "") === (b.limit ?? "");
}

export function originText(origin: Origin): { text: string; settings: LinkSettings } {
  return origin.kind === "link" ? origin.scenario : origin;
}

/** True when the editor or the controls differ from the example or link the text came from. */
export function isEdited(origin: Origin | undefined, text: string, settings: LinkSettings): boolean {
  if (!origin) return false;
  const from = originText(origin);
  return from.text !== text || !sameSettings(from.settings, settings);
}

/** The fragment that stays short while nothing was edited: the example's name, or the author's own link. */
export function unchangedFragment(origin: Origin | undefined, text: string, settings: LinkSettings): string | undefined {
  if (!origin || isEdited(origin, text, settings)) return undefined;
  if (origin.kind === "link") return origin.fragment;
  return origin.kind === "example" ? `#example/${origin.name}` : `#lesson/${origin.id}`;
}

/** What a new `#s=` link carries: the last run's hash only when that run was of exactly this text and settings. */
export function scenarioToShare(text: string, settings: LinkSettings, lastRun: PageRun | undefined, engineVersion: string): SharedScenario {
  const ranThis = lastRun && lastRun.traceHash && lastRun.text === text && sameSettings(lastRun.settings, settings);
  return { text, settings, ...(ranThis ? { traceHash: lastRun.traceHash } : {}), engineVersion };
}

/**
 * A piece of someone else's text a notice shows (a link's engine version, the author's trace hash, a name from the
 * address): beside the page's sentence, labelled and set apart, never inside it, so it cannot read as the page's words.
 */
export interface QuotedField {
  label: string;
  value: string;
}

/** After a run of an unedited link with the author's hash: does this page agree with the author? */
export function verdictOnRun(origin: Origin | undefined, run: PageRun, engineVersion: string): { same: boolean; message: string; fields: QuotedField[] } | undefined {
  if (origin?.kind !== "link" || !origin.scenario.traceHash) return undefined;
  const shared = origin.scenario as SharedScenario & { traceHash: string };
  if (shared.text !== run.text || !sameSettings(shared.settings, run.settings) || !run.traceHash) return undefined;
  if (shared.traceHash === run.traceHash) return { same: true, message: `Same result as when shared (trace hash ${run.traceHash.slice(0, 12)}…).`, fields: [] };
  const authors = { label: "the author's trace hash", value: `${shared.traceHash.slice(0, 12)}…` };
  if (shared.engineVersion === engineVersion) {
    return {
      same: false,
      message: `A different result from the author's, though the link names this page's engine version: the same text and settings should give the same run. Please report it, with the link.`,
      fields: [authors],
    };
  }
  return {
    same: false,
    message: `A different result from the author's: the engine changed since the link was made (this page runs engine ${engineVersion}).`,
    fields: [authors, { label: "the link's engine", value: shared.engineVersion }],
  };
}

/** The page's own address with another fragment (and the query kept or set). */
export function pageUrl(location: Pick<Location, "origin" | "pathname" | "search">, fragment: string, search = location.search): string {
  return `${location.origin}${location.pathname}${search}${fragment}`;
}

/** The full playground for an embedded page (its query without `embed`). */
export function fullPageSearch(search: string): string {
  const params = new URLSearchParams(search);
  params.delete("embed");
  const rest = params.toString();
  return rest ? `?${rest}` : "";
}

export const isEmbedded = (search: string): boolean => new URLSearchParams(search).get("embed") === "1";
