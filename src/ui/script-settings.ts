/**
 * The settings a script asks for in its `scenario({...})`, read from its text
 * (never by running it: the page runs scripts only in the engine's worker), so
 * the controls can show them before a run. A small tolerant reader of the
 * object literal: it understands string and number literals and a nested
 * `policy: { preset, ...knobs }`; anything computed is left unread.
 */
import { formatSize } from "../engine/api/values.ts";

export interface ScriptSettings {
  /** The preset's name (the knobs' preset when the policy is knobs over one). */
  policy?: string;
  /** The policy sets knobs over its preset (the engine calls it "<preset>+custom"). */
  knobs?: boolean;
  /** As written ("4 MiB") or, for a number of bytes, formatted. */
  disk?: string;
  seed?: number;
}

/** Defaults of scenario({...}) (design.md §3): what a script that says nothing gets. */
export const DEFAULT_SETTINGS = { policy: "upstream", disk: "8 MiB", seed: 1 } as const;

type Value = string | number | { [key: string]: Value } | undefined;

export function scriptSettings(text: string): ScriptSettings {
  const literal = readScenarioLiteral(text);
  if (!literal) return {};
  const out: ScriptSettings = {};
  if (typeof literal.disk === "string") out.disk = literal.disk;
  else if (typeof literal.disk === "number") out.disk = formatSize(literal.disk);
  if (typeof literal.seed === "number") out.seed = literal.seed;
  if (typeof literal.policy === "string") out.policy = literal.policy;
  else if (literal.policy && typeof literal.policy === "object") {
    const preset = literal.policy.preset;
    out.policy = typeof preset === "string" ? preset : DEFAULT_SETTINGS.policy;
    out.knobs = true;
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

/** The object literal of the first `scenario({...})` call outside comments and strings. */
function readScenarioLiteral(text: string): { [key: string]: Value } | undefined {
  let pos = 0;
  const peek = () => text[pos] ?? "";
  const skipSpace = () => {
    for (;;) {
      if (/\s/.test(peek())) pos++;
      else if (text.startsWith("//", pos)) pos = lineEnd(pos);
      else if (text.startsWith("/*", pos)) pos = blockEnd(pos);
      else return;
    }
  };
  const lineEnd = (p: number) => (text.indexOf("\n", p) + 1 || text.length + 1) - 1;
  const blockEnd = (p: number) => (text.indexOf("*/", p + 2) + 1 || text.length - 1) + 1;
  /** A string literal at pos (a template only without `${`); undefined (and pos past it) otherwise. */
  const readString = (): string | undefined => {
    const quote = peek();
    let value = "";
    pos++;
    while (pos < text.length && peek() !== quote) {
      if (peek() === "\\") pos++;
      else if (quote === "`" && text.startsWith("${", pos)) return skipTemplate();
      value += text[pos++];
    }
    pos++;
    return value;
  };
  const skipTemplate = (): undefined => {
    let depth = 0;
    while (pos < text.length && !(peek() === "`" && depth === 0)) {
      if (text.startsWith("${", pos)) depth++;
      else if (peek() === "}" && depth > 0) depth--;
      pos++;
    }
    pos++;
    return undefined;
  };
  /** Past one expression, to the `,` or closing bracket that ends it. */
  const skipExpression = () => {
    let depth = 0;
    while (pos < text.length) {
      skipSpace();
      const c = peek();
      if (c === '"' || c === "'" || c === "`") readString();
      else if ("([{".includes(c)) (depth++, pos++);
      else if (")]}".includes(c)) {
        if (depth === 0) return;
        depth--;
        pos++;
      } else if (c === "," && depth === 0) return;
      else pos++;
    }
  };
  const readValue = (): Value => {
    skipSpace();
    const c = peek();
    const start = pos;
    let value: Value;
    if (c === '"' || c === "'" || c === "`") value = readString();
    else if (c === "{") value = readObject();
    else {
      const number = /^-?(0x[\da-f_]+|[\d_]*\.?[\d_]+(e[+-]?\d+)?)/i.exec(text.slice(pos, pos + 40))?.[0];
      if (number) pos += number.length;
      value = number ? Number(number.replaceAll("_", "")) : undefined;
    }
    skipSpace();
    // a literal followed by more (`"4" + " MiB"`, `1 << 20`) is computed: not ours to read
    if (peek() !== "," && peek() !== "}") {
      pos = start;
      skipExpression();
      return undefined;
    }
    return value;
  };
  const readObject = (): { [key: string]: Value } => {
    const out: { [key: string]: Value } = {};
    pos++; // "{"
    for (;;) {
      skipSpace();
      if (pos >= text.length) return out;
      if (peek() === "}") {
        pos++;
        return out;
      }
      const c = peek();
      const key = c === '"' || c === "'" ? readString() : /^[\w$]+/.exec(text.slice(pos))?.[0];
      if (key && c !== '"' && c !== "'") pos += key.length;
      skipSpace();
      if (key && peek() === ":") {
        pos++;
        out[key] = readValue();
      } else skipExpression(); // shorthand, spread, method: computed
      skipSpace();
      if (peek() === ",") pos++;
    }
  };

  while (pos < text.length) {
    skipSpace();
    const c = peek();
    if (c === '"' || c === "'" || c === "`") readString();
    else if (/[\w$]/.test(c)) {
      const word = /^[\w$]+/.exec(text.slice(pos))![0];
      pos += word.length;
      if (word !== "scenario") continue;
      skipSpace();
      if (peek() !== "(") continue;
      pos++;
      skipSpace();
      return peek() === "{" ? readObject() : undefined;
    } else pos++;
  }
  return undefined;
}
