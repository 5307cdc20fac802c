/**
 * The append-only record of everything observable in a run. The UI, lesson
 * checks and tests read it; nothing reaches into module internals. Its hash
 * is the fingerprint of a run: same scenario text, seed and engine version,
 * same hash, byte for byte.
 */
import type { Errno } from "./errno.ts";

export type LogLevel = "emerg" | "alert" | "crit" | "err" | "warning" | "notice" | "info" | "debug";

export type TraceEvent =
  /** A request leaves `from` for whoever serves `topic`. */
  | { kind: "send"; t: number; id: number; topic: string; from: string; bytes?: number; note?: string }
  /** The response to request `id` goes back to its sender. */
  | { kind: "reply"; t: number; id: number; topic: string; to: string; errno?: Errno; note?: string }
  /** A broker log line, as `flux dmesg` shows it. */
  | { kind: "log"; t: number; level: LogLevel; source: string; text: string }
  /** A filesystem event on the statedir disk. */
  | { kind: "disk"; t: number; op: "write-refused" | "fill" | "remove" | "quota" | "fault" | "load"; path: string; bytes: number; used: number; errno?: Errno }
  /** A state change of the instance or of one module. */
  | { kind: "state"; t: number; subject: string; value: string }
  /** A call of the scenario API and how it ended. */
  | { kind: "api"; t: number; call: string; outcome: string; line?: number }
  /** A line the script printed with log(). */
  | { kind: "console"; t: number; text: string; line?: number };

export type TraceEventInput = TraceEvent extends infer E ? (E extends TraceEvent ? Omit<E, "t"> : never) : never;

export class Trace {
  private readonly events: TraceEvent[] = [];
  /** Broker log lines are kept even when the trace is not: `flux.dmesg()` reads them. */
  private readonly logLines: Extract<TraceEvent, { kind: "log" }>[] = [];
  private count = 0;
  private h1 = 0xdeadbeef;
  private h2 = 0x41c6ce57;
  private listeners: ((event: TraceEvent) => void)[] = [];

  /** @param retain keep events in memory (off for benchmarks: the hash is still computed). */
  constructor(
    private readonly clock: () => number,
    private readonly retain = true,
  ) {}

  /** Record an event. `input` must be a fresh object: it becomes the event (no copy on this hot path). */
  add(input: TraceEventInput): TraceEvent {
    const event = input as TraceEvent;
    event.t = this.clock();
    this.mixEvent(event);
    this.count++;
    if (this.retain) this.events.push(event);
    if (event.kind === "log") this.logLines.push(event);
    for (const listener of this.listeners) listener(event);
    return event;
  }

  onEvent(listener: (event: TraceEvent) => void): () => void {
    this.listeners.push(listener);
    return () => (this.listeners = this.listeners.filter((l) => l !== listener));
  }

  get length(): number {
    return this.count;
  }

  all(): readonly TraceEvent[] {
    return this.events;
  }

  logs(): readonly Extract<TraceEvent, { kind: "log" }>[] {
    return this.logLines;
  }

  /** 64 bits of a streaming cyrb53-style hash over every event's canonical JSON, as 16 hex digits. */
  hash(): string {
    const a = Math.imul(this.h1 ^ (this.h1 >>> 16), 2246822507) ^ Math.imul(this.h2 ^ (this.h2 >>> 13), 3266489909);
    const b = Math.imul(this.h2 ^ (this.h2 >>> 16), 2246822507) ^ Math.imul(this.h1 ^ (this.h1 >>> 13), 3266489909);
    return (a >>> 0).toString(16).padStart(8, "0") + (b >>> 0).toString(16).padStart(8, "0");
  }

  // A non-cryptographic hash on purpose: it runs for every event on the hot
  // path, and it only has to tell runs apart, not resist an adversary. It
  // reads each field in place (name, then value) rather than a JSON text of
  // the event, which would be garbage as soon as it was hashed; a text goes
  // in as its own 32-bit code (textCode), which names and the values that
  // recur (topics, modules, kinds) look up instead of reading again.
  private mixEvent(event: TraceEvent): void {
    if (event.kind === "send") this.mixMessage(SEND, event.id, event.topic, event.from, event.bytes, undefined, event.note, event.t);
    else if (event.kind === "reply") this.mixMessage(REPLY, event.id, event.topic, event.to, undefined, event.errno, event.note, event.t);
    else this.mixFields(event);
    this.mixCode(EVENT_END);
  }

  /** Any event: its fields in their order in the object (the order the code that made it wrote them, `t` last). */
  private mixFields(event: TraceEvent): void {
    for (const key in event) {
      const value = (event as unknown as Record<string, unknown>)[key];
      if (value === undefined) continue;
      if (typeof value === "number") this.mixNumberField(textCode(key), value);
      else this.mixTextField(textCode(key), textCode(String(value)));
    }
  }

  /**
   * A send or a reply, nine in ten events of a run, mixed exactly as
   * mixFields() mixes the objects the bus makes ({kind, id, topic, from |
   * to, bytes, errno, note}, then `t`), without walking their keys.
   */
  private mixMessage(kind: MessageKind, id: number, topic: string, peer: string, bytes: number | undefined, errno: string | undefined, note: string | undefined, t: number): void {
    this.mixTextField(KEY.kind, kind.code);
    this.mixNumberField(KEY.id, id);
    this.mixTextField(KEY.topic, textCode(topic));
    this.mixTextField(kind.peerKey, textCode(peer));
    if (bytes !== undefined) this.mixNumberField(KEY.bytes, bytes);
    if (errno !== undefined) this.mixTextField(KEY.errno, textCode(errno));
    if (note !== undefined) this.mixTextField(KEY.note, textCode(note));
    this.mixNumberField(KEY.t, t);
  }

  private mixTextField(keyCode: number, valueCode: number): void {
    this.mixCode(keyCode);
    this.mixCode(valueCode);
    this.mixCode(FIELD_END);
  }

  private mixNumberField(keyCode: number, value: number): void {
    this.mixCode(keyCode);
    this.mixNumber(value);
    this.mixCode(FIELD_END);
  }

  /** A number by its IEEE 754 bits: the same in every JavaScript engine, and no string made. */
  private mixNumber(n: number): void {
    if ((n | 0) === n) {
      this.mixCode(n);
    } else {
      FLOAT[0] = n;
      this.mixCode(FLOAT_WORDS[0]!);
      this.mixCode(FLOAT_WORDS[1]!);
    }
  }

  private mixCode(code: number): void {
    this.h1 = Math.imul(this.h1 ^ code, 2654435761);
    this.h2 = Math.imul(this.h2 ^ code, 1597334677);
  }
}

/**
 * A text's 32-bit FNV-1a code over its UTF-16 code units: the same wherever it
 * is computed, so remembering it changes nothing. Short texts are remembered
 * (a Map finds a string by the hash the JavaScript engine keeps in it, without
 * reading it again), up to a bound: a long run's unique texts (blobrefs, log
 * lines) must not make the table grow without end.
 */
function textCode(text: string): number {
  let code = textCodes.get(text);
  if (code !== undefined) return code;
  code = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) code = Math.imul(code ^ text.charCodeAt(i), 16777619);
  if (text.length <= MAX_REMEMBERED_TEXT && textCodes.size < MAX_REMEMBERED_TEXTS) textCodes.set(text, code);
  return code;
}

const textCodes = new Map<string, number>();
const MAX_REMEMBERED_TEXT = 40;
const MAX_REMEMBERED_TEXTS = 4096;

/** The codes of the field names and kinds of sends and replies, worked out once. */
const KEY = { kind: textCode("kind"), id: textCode("id"), topic: textCode("topic"), from: textCode("from"), to: textCode("to"), bytes: textCode("bytes"), errno: textCode("errno"), note: textCode("note"), t: textCode("t") };
interface MessageKind {
  code: number;
  peerKey: number;
}
const SEND: MessageKind = { code: textCode("send"), peerKey: KEY.from };
const REPLY: MessageKind = { code: textCode("reply"), peerKey: KEY.to };

/** Separators no UTF-16 code unit can be: a field's end, an event's end. */
const FIELD_END = 0x10000;
const EVENT_END = 0x10001;
const FLOAT = new Float64Array(1);
const FLOAT_WORDS = new Uint32Array(FLOAT.buffer);
