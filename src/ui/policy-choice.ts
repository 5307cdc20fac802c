/**
 * The page's policy choice as one string, the same text `--policy` takes on the command line: "" (what the script
 * asks for), a preset's name, or a JSON knob set over a preset (`{"preset":"read-only","rc3HoldFreeBytes":262144}`).
 * A link carries that string as it is. This file turns it into the run's override and into words, and holds each
 * knob's documentation, read from the comments of src/engine/policy/knobs.ts (the one place they are written).
 */
import knobsSource from "../engine/policy/knobs.ts?raw";
import type { Knobs } from "../engine/policy/knobs.ts";
import { KNOB_NAMES } from "../engine/policy/knobs.ts";
import { currentPresetName, describeKnobs, isPresetName, policyArgument, policyTextProblem, PRESETS, type PolicySetting, type PresetName } from "../engine/policy/presets.ts";

export type KnobName = keyof Knobs;

/** Each knob's doc comment in knobs.ts, as one line of text. */
export const KNOB_DOCS: Readonly<Record<KnobName, string>> = readKnobDocs(knobsSource);

export function readKnobDocs(source: string): Record<KnobName, string> {
  const body = source.slice(source.indexOf("export interface Knobs"));
  const docs = {} as Record<KnobName, string>;
  for (const m of body.matchAll(/\/\*\*([\s\S]*?)\*\/\s*(\w+):/g)) {
    const name = m[2] as KnobName;
    if ((KNOB_NAMES as readonly string[]).includes(name)) docs[name] ??= m[1]!.replace(/^\s*\*\s?/gm, "").replace(/\s+/g, " ").trim();
  }
  return docs;
}

/** The run's policy override for a choice (none for ""); a choice that is no policy throws the one line that says why. */
export function policyOverride(choice: string): { policy?: PolicySetting } {
  return choice ? { policy: policyArgument(choice) } : {};
}

/** Why a choice is not a policy, or undefined when it is one ("" is: the script's own). */
export function policyProblem(choice: string): string | undefined {
  return choice ? policyTextProblem(choice) : undefined;
}

/** A knob set as the choice string the page and links carry: its preset and only the knobs that differ from it. */
export function knobSetChoice(preset: PresetName, knobs: Partial<Knobs>): string {
  const base = PRESETS[preset].knobs;
  const changed = Object.fromEntries(KNOB_NAMES.filter((k) => Object.hasOwn(knobs, k) && knobs[k] !== base[k]).map((k) => [k, knobs[k]]));
  return Object.keys(changed).length ? JSON.stringify({ preset, ...changed }) : preset;
}

/** A choice as its preset and its knobs (a preset's own for a name); undefined when it is no policy. */
export function knobsOfChoice(choice: string): { preset: PresetName; knobs: Knobs } | undefined {
  if (policyProblem(choice) !== undefined || !choice) return undefined;
  const setting = policyArgument(choice);
  if (typeof setting === "string") return { preset: currentPresetName(setting) as PresetName, knobs: { ...PRESETS[currentPresetName(setting) as PresetName].knobs } };
  const { preset: asked = "upstream", ...knobs } = setting;
  const preset = currentPresetName(asked) as PresetName;
  return { preset, knobs: { ...PRESETS[preset].knobs, ...knobs } };
}

/**
 * What the page says of a policy: a preset's title and description, or, for a knob set, which knobs it changes
 * from which preset, each with its documentation (not the preset's description: that is not this design).
 */
export function policyWords(preset: string, knobs: Partial<Knobs> = {}): { title: string; description: string; changed: { knob: string; value: string; doc: string }[] } {
  const name = currentPresetName(preset);
  if (!isPresetName(name)) return { title: `unknown policy ${JSON.stringify(preset)}`, description: "", changed: [] };
  const changed = describeKnobs(name, knobs).map((pair) => {
    const knob = pair.slice(0, pair.indexOf("=")) as KnobName;
    return { knob, value: pair.slice(knob.length + 1), doc: KNOB_DOCS[knob] };
  });
  if (changed.length === 0) return { title: PRESETS[name].title, description: PRESETS[name].description, changed };
  return {
    title: `A knob set of one's own: ${name} with ${changed.map((c) => `${c.knob}=${c.value}`).join(", ")}`,
    description: `It changes ${changed.length === 1 ? "one knob" : `${changed.length} knobs`} of the preset ${name} (${PRESETS[name].title}); everything else is as in ${name}.`,
    changed,
  };
}

/** The words for what the page runs: the menu's choice, or else what the script's scenario({ policy }) asks for. */
export function shownPolicy(choice: string, asks: { policy?: string; knobValues?: Record<string, unknown> }): ReturnType<typeof policyWords> {
  const chosen = knobsOfChoice(choice);
  if (chosen) return policyWords(chosen.preset, chosen.knobs);
  if (choice) return { title: "not a policy", description: policyProblem(choice) ?? "", changed: [] };
  return policyWords(asks.policy ?? "upstream", (asks.knobValues ?? {}) as Partial<Knobs>);
}
