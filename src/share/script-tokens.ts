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
  /** value undefined: an unterminated string (still being typed), not a literal. */
  | { kind: "string"; value: string | undefined }
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
    if (c === '"' || c === "'") return { kind: "string", value: this.readQuoted(c) };
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

  /** A '…' or "…" string from its opening quote; undefined when its line ends first. */
  private readQuoted(quote: string): string | undefined {
    const { text } = this;
    this.pos++;
    let value = "";
    let from = this.pos;
    while (this.pos < text.length) {
      const c = text[this.pos]!;
      if (c === quote) {
        value += text.slice(from, this.pos++);
        return value;
      }
      if (c === "\n") return undefined;
      if (c === "\\") {
        value += text.slice(from, this.pos);
        value += this.readEscape();
        from = this.pos;
      } else this.pos++;
    }
    return undefined;
  }

  /** A template's text from `start` (after its `` ` `` or a substitution's `}`) to its end or next `${`. */
  private readTemplate(start: number, opener: "`" | "}"): Token {
    const { text } = this;
    this.pos = start;
    let value = "";
    let from = this.pos;
    while (this.pos < text.length) {
      const c = text[this.pos]!;
      if (c === "`") {
        value += text.slice(from, this.pos++);
        return opener === "`" ? { kind: "string", value } : { kind: "close", text: "}`" };
      }
      if (c === "$" && text[this.pos + 1] === "{") {
        this.pos += 2;
        this.substitutions.push(0);
        return opener === "`" ? { kind: "open", text: "`${" } : { kind: "punct", text: "}${" };
      }
      if (c === "\\") {
        value += text.slice(from, this.pos);
        value += this.readEscape();
        from = this.pos;
      } else this.pos++;
    }
    return opener === "`" ? { kind: "string", value: undefined } : { kind: "close", text: "}`" };
  }

  /** The character an escape at pos stands for (`\n`, `\x41`, `\u{1F600}`, a line continuation); pos moves past it. */
  private readEscape(): string {
    const { text } = this;
    const c = text[this.pos + 1] ?? "";
    this.pos += 2;
    if (c === "\n") return "";
    if (Object.hasOwn(ESCAPES, c)) return ESCAPES[c]!;
    const hex = c === "x" ? /^[\da-fA-F]{2}/ : c === "u" ? /^(?:[\da-fA-F]{4}|\{[\da-fA-F]{1,6}\})/ : undefined;
    const digits = hex?.exec(text.slice(this.pos, this.pos + 8))?.[0];
    if (!digits) return c;
    this.pos += digits.length;
    const code = parseInt(digits.replace(/[{}]/g, ""), 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : "";
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
