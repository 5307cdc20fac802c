/**
 * A small JavaScript tokenizer for reading a script's text on the page without running it (the settings and the
 * title of its `scenario({...})`). The text is anyone's (a shared link, a half-typed edit), so the tokenizer is
 * total and linear: every call of `next()` consumes at least one character, each character is looked at a bounded
 * number of times, and nothing throws. It is tolerant, not a validator: an unterminated string ends at its line's
 * end, a `/` is a regular expression only where an expression may start (the usual previous-token rule).
 *
 * Templates are split the way the language splits them, so brackets stay balanced for a reader that counts them:
 * `` `a${ `` opens (like a bracket), `` }b${ `` is neither, `` }c` `` closes; a template without substitutions is
 * a string.
 */
export type Token =
  | { kind: "name"; text: string }
  /**
   * `raw`: the text between the quotes, escapes as written (stringValue decodes it, only for the strings a reader
   * wants); undefined for an unterminated string (still being typed), which is not a literal.
   */
  | { kind: "string"; raw: string | undefined }
  /** value undefined: a numeric token that is not a finite number (`10n`, `1e`, `0x`). */
  | { kind: "number"; value: number | undefined }
  | { kind: "open"; text: "(" | "[" | "{" | "`${" }
  | { kind: "close"; text: ")" | "]" | "}" | "}`" }
  | { kind: "punct"; text: string }
  | { kind: "regex" }
  | { kind: "end" };

const OPEN = "([{";
const CLOSE = ")]}";
/** Words after which a `/` starts a regular expression, not a division. */
const KEYWORDS_BEFORE_EXPRESSION = new Set(["return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else", "yield", "await"]);
const ESCAPES: Record<string, string> = { n: "\n", t: "\t", r: "\r", b: "\b", f: "\f", v: "\v", "0": "\0" };
const ESCAPE = /\\(x[\da-fA-F]{2}|u[\da-fA-F]{4}|u\{[\da-fA-F]{1,6}\}|\r\n|[^])/g;

/** A string token's value: its escapes (`\n`, `\x41`, `\u{1F600}`, a line continuation) as the language reads them. */
export function stringValue(raw: string | undefined): string | undefined {
  return raw?.includes("\\") ? raw.replace(ESCAPE, (_, escape: string) => escapedChar(escape)) : raw;
}

function escapedChar(escape: string): string {
  const c = escape[0]!;
  if (Object.hasOwn(ESCAPES, c)) return ESCAPES[c]!;
  if (c === "\n" || c === "\r" || c === "\u2028" || c === "\u2029") return "";
  if ((c === "x" || c === "u") && escape.length > 1) {
    const code = parseInt(escape.slice(1).replace(/[{}]/g, ""), 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : "";
  }
  return c;
}

export class ScriptTokens {
  private pos = 0;
  /** For each open template substitution, the `{` opened inside it and not yet closed. */
  private readonly substitutions: number[] = [];
  /** True when the last token ends an expression (so a `/` next is a division). */
  private afterExpression = false;
  /** A regular expression that failed to end by here (its line's end) means none that starts before it can. */
  private noRegexBefore = 0;
  private peeked: Token | undefined;

  constructor(private readonly text: string) {}

  peek(): Token {
    this.peeked ??= this.read();
    return this.peeked;
  }

  next(): Token {
    const token = this.peek();
    this.peeked = undefined;
    return token;
  }

  private read(): Token {
    this.skipSpaceAndComments();
    if (this.pos >= this.text.length) return { kind: "end" };
    const token = this.readToken();
    this.afterExpression = endsExpression(token);
    return token;
  }

  private readToken(): Token {
    const { text } = this;
    const c = text[this.pos]!;
    if (c === '"' || c === "'") return { kind: "string", raw: this.readQuoted(c) };
    if (c === "`") return this.readTemplate(this.pos + 1, "`");
    if (isDigit(c) || (c === "." && isDigit(text[this.pos + 1] ?? ""))) return this.readNumber();
    if (isNameChar(c)) return { kind: "name", text: this.readWhile(isNameChar) };
    this.pos++;
    if (OPEN.includes(c)) {
      if (c === "{" && this.substitutions.length > 0) this.substitutions[this.substitutions.length - 1]!++;
      return { kind: "open", text: c as "(" | "[" | "{" };
    }
    if (c === "}" && this.substitutions.at(-1) === 0) {
      this.substitutions.pop();
      return this.readTemplate(this.pos, "}");
    }
    if (CLOSE.includes(c)) {
      if (c === "}" && this.substitutions.length > 0) this.substitutions[this.substitutions.length - 1]!--;
      return { kind: "close", text: c as ")" | "]" | "}" };
    }
    if (c === "/" && !this.afterExpression && this.skipRegex()) return { kind: "regex" };
    return { kind: "punct", text: c };
  }

  private skipSpaceAndComments(): void {
    const { text } = this;
    while (this.pos < text.length) {
      const c = text[this.pos]!;
      if (c === "/" && text[this.pos + 1] === "/") this.pos = lineEnd(text, this.pos);
      else if (c === "/" && text[this.pos + 1] === "*") {
        const end = text.indexOf("*/", this.pos + 2);
        this.pos = end < 0 ? text.length : end + 2;
      } else if (isSpace(c)) this.pos++;
      else return;
    }
  }

  private readWhile(test: (c: string) => boolean): string {
    const start = this.pos;
    while (this.pos < this.text.length && test(this.text[this.pos]!)) this.pos++;
    return this.text.slice(start, this.pos);
  }

  /** A number's characters (digits, letters for hex, exponent and suffix, `_`, `.`, an exponent's sign). */
  private readNumber(): Token {
    const start = this.pos;
    const hex = /^0[xX]/.test(this.text.slice(start, start + 2));
    for (; this.pos < this.text.length; this.pos++) {
      const c = this.text[this.pos]!;
      const exponentSign = !hex && (c === "+" || c === "-") && /[eE]/.test(this.text[this.pos - 1]!);
      if (!(isNameChar(c) || c === "." || exponentSign)) break;
    }
    const value = Number(this.text.slice(start, this.pos).replaceAll("_", ""));
    return { kind: "number", value: Number.isFinite(value) ? value : undefined };
  }

  /** A '…' or "…" string's raw text from its opening quote; undefined when its line ends first. */
  private readQuoted(quote: string): string | undefined {
    const { text } = this;
    const start = ++this.pos;
    for (; this.pos < text.length; this.pos++) {
      const c = text[this.pos]!;
      if (c === quote) return text.slice(start, this.pos++);
      if (c === "\n") return undefined;
      if (c === "\\") this.pos++;
    }
    return undefined;
  }

  /** A template's text from `start` (after its `` ` `` or a substitution's `}`) to its end or next `${`. */
  private readTemplate(start: number, opener: "`" | "}"): Token {
    const { text } = this;
    for (this.pos = start; this.pos < text.length; this.pos++) {
      const c = text[this.pos]!;
      if (c === "`") {
        this.pos++;
        return opener === "`" ? { kind: "string", raw: text.slice(start, this.pos - 1) } : { kind: "close", text: "}`" };
      }
      if (c === "$" && text[this.pos + 1] === "{") {
        this.pos += 2;
        this.substitutions.push(0);
        return opener === "`" ? { kind: "open", text: "`${" } : { kind: "punct", text: "}${" };
      }
      if (c === "\\") this.pos++;
    }
    return opener === "`" ? { kind: "string", raw: undefined } : { kind: "close", text: "}`" };
  }

  /** Past a regular expression literal starting at the `/` just consumed; false (pos kept) if its line ends first. */
  private skipRegex(): boolean {
    const { text } = this;
    if (this.pos < this.noRegexBefore) return false;
    let inClass = false;
    for (let p = this.pos; p < text.length; p++) {
      const c = text[p]!;
      if (c === "\n" || c === "\r") return this.noRegexUntil(p);
      if (c === "\\") p++;
      else if (c === "[") inClass = true;
      else if (c === "]") inClass = false;
      else if (c === "/" && !inClass) {
        this.pos = p + 1;
        this.readWhile(isNameChar); // flags
        return true;
      }
    }
    return this.noRegexUntil(text.length);
  }

  private noRegexUntil(p: number): false {
    this.noRegexBefore = p;
    return false;
  }
}

function endsExpression(token: Token): boolean {
  if (token.kind === "name") return !KEYWORDS_BEFORE_EXPRESSION.has(token.text);
  return token.kind === "string" || token.kind === "number" || token.kind === "regex" || (token.kind === "close" && token.text !== "}");
}

function lineEnd(text: string, from: number): number {
  const end = text.indexOf("\n", from);
  return end < 0 ? text.length : end;
}

const isDigit = (c: string) => c >= "0" && c <= "9";
const isSpace = (c: string) => c === " " || c === "\n" || c === "\t" || c === "\r" || c === "\f" || c === "\v" || c === "\u00a0" || c === "\ufeff" || c === "\u2028" || c === "\u2029";
/** ASCII letters, digits, `_`, `$`, and every non-ASCII character that is not a space (a tolerant reader's rule). */
const isNameChar = (c: string) => (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || isDigit(c) || c === "_" || c === "$" || (c > "\u007f" && !isSpace(c));
