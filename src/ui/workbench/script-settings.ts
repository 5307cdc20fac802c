/**
 * The settings a script asks for in its `scenario({...})`, read from its text
 * (never by running it: the page runs scripts only in the engine's worker), so
 * the controls can show them before a run, by the linear, total reader of
 * src/share/scenario-literal.ts: string and number literals and a nested
 * `policy: { preset, ...knobs }`; anything computed is left unread.
 */
import { formatSize } from "../../engine/api/values.ts";
import { writtenLimit } from "../../engine/api/run-limit.ts";
import { scenarioLiteral } from "../../share/scenario-literal.ts";

export interface ScriptSettings {
  /** The preset's name (the knobs' preset when the policy is knobs over one). */
  policy?: string;
  /** The policy sets knobs over its preset (the engine calls it "<preset>+custom"). */
  knobs?: boolean;
  /** The knobs it sets that are written as literals (a computed one is left out). */
  knobValues?: Record<string, string | number | boolean>;
  /** As written ("4 MiB") or, for a number of bytes, formatted. */
  disk?: string;
  seed?: number;
  /** The `limit` as written (run-limit.ts reads it; COMPUTED when it is there but not a literal). */
  limit?: unknown;
}

/** Defaults of scenario({...}) (design.md §3): what a script that says nothing gets. */
export const DEFAULT_SETTINGS = { policy: "upstream", disk: "8 MiB", seed: 1 } as const;

export function scriptSettings(text: string): ScriptSettings {
  const literal = scenarioLiteral(text);
  if (!literal) return {};
  const out: ScriptSettings = {};
  if (typeof literal.disk === "string") out.disk = literal.disk;
  else if (typeof literal.disk === "number") out.disk = formatSize(literal.disk);
  if (typeof literal.seed === "number") out.seed = literal.seed;
  if (writtenLimit(literal) !== undefined) out.limit = writtenLimit(literal);
  if (typeof literal.policy === "string") out.policy = literal.policy;
  else if (literal.policy && typeof literal.policy === "object") {
    const preset = literal.policy.preset;
    out.policy = typeof preset === "string" ? preset : DEFAULT_SETTINGS.policy;
    out.knobs = true;
    out.knobValues = Object.fromEntries(Object.entries(literal.policy).filter((e): e is [string, string | number | boolean] => e[0] !== "preset" && typeof e[1] !== "object" && e[1] !== undefined));
  }
  return out;
}

/**
 * A failed run's message, with a hint when the policy menu overrode the policy the script asks for: its `expect`s
 * were written for that one.
 */
export function withPolicyHint<E extends { message: string }>(error: E | undefined, chosen: string, asked: string | undefined): E | undefined {
  const written = asked ?? DEFAULT_SETTINGS.policy;
  if (!error || !chosen || chosen === written) return error;
  return { ...error, message: `${error.message} (the script was written for policy "${written}"; this run used "${chosen}" from the policy menu)` };
}
