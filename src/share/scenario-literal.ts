/**
 * The object literal of a script's first `scenario({...})` call, read from its text without running it (the page
 * runs scripts only in the engine's worker): string, number and true/false literals, nested objects (`policy: {...}`); a value
 * computed in any way is left unread (undefined). The text is anyone's, so the reader is total and linear: it reads
 * the tokens of src/share/script-tokens.ts once, every step consumes one, nesting is bounded, and it never throws.
 */
import { ScriptTokens, stringValue, type Token } from "./script-tokens.ts";

export type LiteralValue = string | number | boolean | LiteralObject | undefined;
/** Without a prototype: a key such as `__proto__` or `constructor` is a key like any other. */
export type LiteralObject = { [key: string]: LiteralValue };

/** Objects nested deeper than this are read as computed: the settings go two levels deep. */
const MAX_DEPTH = 8;

/** The literal of the first `scenario({...})` outside comments and strings; undefined if there is none. */
export function scenarioLiteral(text: string): LiteralObject | undefined {
  const tokens = new ScriptTokens(text);
  for (let t = tokens.next(); t.kind !== "end"; t = tokens.next()) {
    if (t.kind !== "name" || t.text !== "scenario" || !isToken(tokens.peek(), "open", "(")) continue;
    tokens.next();
    if (!isToken(tokens.peek(), "open", "{")) return undefined;
    tokens.next();
    return readObject(tokens, 1);
  }
  return undefined;
}

/** The title a script gives itself in `scenario({ title: "…" })`, if it does. */
export function scenarioTitle(text: string): string | undefined {
  const title = scenarioLiteral(text)?.title;
  return typeof title === "string" ? title : undefined;
}

const isToken = (t: Token, kind: "open" | "close" | "punct", text: string) => t.kind === kind && t.text === text;

/** The entries of an object whose `{` was just read, up to its `}` (or the end, or a stray closing bracket). */
function readObject(tokens: ScriptTokens, depth: number): LiteralObject {
  const out: LiteralObject = Object.create(null) as LiteralObject;
  for (;;) {
    const t = tokens.peek();
    if (t.kind === "end") return out;
    if (t.kind === "close") {
      if (t.text === "}") tokens.next();
      return out; // `)` or `]` where a key belongs: a typo, the object ends here
    }
    const key = keyOf(t);
    tokens.next();
    if (key !== undefined && isToken(tokens.peek(), "punct", ":")) {
      tokens.next();
      out[key] = readValue(tokens, depth);
    } else if (!isToken(t, "punct", ",")) skipExpression(tokens); // shorthand, spread, method, computed key
    if (isToken(tokens.peek(), "punct", ",")) tokens.next();
  }
}

function keyOf(t: Token): string | undefined {
  if (t.kind === "name") return t.text;
  if (t.kind === "string") return stringValue(t.raw);
  return t.kind === "number" && t.value !== undefined ? String(t.value) : undefined;
}

/**
 * A literal value up to the `,` or closing bracket after it (a `)` where `}` belongs is a typo: the value is as
 * written); a value followed by anything else is computed (`"4" + " MiB"`, `1 << 20`).
 */
function readValue(tokens: ScriptTokens, depth: number): LiteralValue {
  const value = readLiteral(tokens, depth);
  const after = tokens.peek();
  if (isToken(after, "punct", ",") || after.kind === "close") return value;
  skipExpression(tokens);
  return undefined;
}

function readLiteral(tokens: ScriptTokens, depth: number): LiteralValue {
  const t = tokens.peek();
  if (t.kind === "string") return (tokens.next(), stringValue(t.raw));
  if (t.kind === "number") return (tokens.next(), t.value);
  // a knob that is a flag (policy: { failHard: true })
  if (t.kind === "name" && (t.text === "true" || t.text === "false")) return (tokens.next(), t.text === "true");
  if (isToken(t, "punct", "-")) {
    tokens.next();
    const n = tokens.peek();
    return n.kind === "number" && n.value !== undefined ? (tokens.next(), -n.value) : undefined;
  }
  if (isToken(t, "open", "{") && depth < MAX_DEPTH) {
    tokens.next();
    return readObject(tokens, depth + 1);
  }
  return undefined;
}

/** Past one expression, to the `,` or closing bracket that ends it (not consumed), or the end. */
function skipExpression(tokens: ScriptTokens): void {
  let depth = 0;
  for (let t = tokens.peek(); t.kind !== "end"; t = tokens.peek()) {
    if (depth === 0 && (t.kind === "close" || isToken(t, "punct", ","))) return;
    if (t.kind === "open") depth++;
    else if (t.kind === "close") depth--;
    tokens.next();
  }
}
