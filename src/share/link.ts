/**
 * Scenario links (design.md §5): `#s=<format>.<data>`, where data is base64url of a 4-byte checksum followed by the
 * deflate-raw compression (the platform's CompressionStream) of a small JSON object: the text, the controls'
 * overrides, the author's trace hash and the engine version.
 *
 * deflate-raw has no checksum of its own, so a flipped character would often decode to a different scenario
 * without a word; the FNV-1a checksum of the JSON makes such a link say it was altered.
 *
 * The decoder is the boundary for text from anywhere: it never throws, and it refuses by size while it
 * decompresses (input is fed in small pieces and output is counted as it comes), so a zip bomb costs at most one
 * piece's expansion beyond the limit.
 */
import { concatBytes } from "../engine/common/bytes.ts";
import { currentPresetName, policyTextProblem } from "../engine/policy/presets.ts";

export const LINK_FORMAT = 1;
/** The largest scenario JSON a link may hold once decoded. */
export const MAX_DECODED_BYTES = 1_000_000;
/** deflate expands by at most ~0.03 % plus a few bytes, base64 by 4/3: anything longer cannot be a valid link. */
const MAX_DATA_CHARS = Math.ceil(((MAX_DECODED_BYTES * 1.01 + 64) * 4) / 3);
/** Compressed bytes fed to the decompressor at a time: deflate's worst expansion (~1032:1) keeps one piece's output near 512 KB. */
const FEED_BYTES = 512;

/** The controls that override the script's scenario({...}); absent means "as the script says". */
export interface LinkSettings {
  policy?: string;
  disk?: string;
  seed?: string;
  /** The run limit in seconds, as the toolbar's box holds it (a link made before it existed runs with the script's own, else 10 s). */
  limit?: string;
}

export interface SharedScenario {
  text: string;
  settings: LinkSettings;
  /** The trace hash of the author's last run, when that run was of exactly this text and these settings. */
  traceHash?: string;
  /** The engine version that made the link. */
  engineVersion: string;
}

export type DecodeResult = { ok: true; scenario: SharedScenario } | { ok: false; reason: string };

/** `<format>.<data>`: what follows `#s=`. */
export async function encodeScenario(scenario: SharedScenario): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(toWire(scenario)));
  const compressed = await pipeThrough(json, new CompressionStream("deflate-raw"));
  const framed = new Uint8Array(4 + compressed.length);
  new DataView(framed.buffer).setUint32(0, fnv1a(json));
  framed.set(compressed, 4);
  return `${LINK_FORMAT}.${toBase64Url(framed)}`;
}

/** Decode what follows `#s=`; never throws, every refusal is one line saying what is wrong. */
export async function decodeScenario(value: string): Promise<DecodeResult> {
  try {
    return await decode(value);
  } catch (e) {
    return { ok: false, reason: `the link could not be read (${(e as Error)?.message ?? String(e)})` };
  }
}

async function decode(value: string): Promise<DecodeResult> {
  const dot = value.indexOf(".");
  const format = dot < 0 ? "" : value.slice(0, dot);
  if (!/^\d{1,6}$/.test(format)) return refuse("it is not a scenario link (expected #s=<version>.<data>)");
  if (Number(format) !== LINK_FORMAT) {
    return refuse(`it is in link format ${Number(format)}, and this page reads format ${LINK_FORMAT} (was it made by another version of the playground?)`);
  }
  const data = value.slice(dot + 1);
  if (data.length > MAX_DATA_CHARS) return refuse(`it is too long (${data.length} characters): a scenario link holds at most ${MAX_DECODED_BYTES / 1e6} MB of text`);
  if (!/^[A-Za-z0-9_-]*$/.test(data)) return refuse("it contains characters a link's data never has (it was changed or mangled on the way)");
  // base64 never leaves a single character over: the link lost its end
  if (data.length % 4 === 1 || data.length < 7) return refuse("it is cut short (truncated): was the whole link copied?");
  const bytes = fromBase64Url(data);
  const json = await inflateBounded(bytes.subarray(4), MAX_DECODED_BYTES);
  if (json === "oversized") return refuse(`its scenario is larger than ${MAX_DECODED_BYTES / 1e6} MB once decoded, more than a link may hold`);
  if (json === "damaged") return refuse("its data does not decompress: it is cut short (truncated) or was altered");
  if (fnv1a(json) !== new DataView(bytes.buffer, bytes.byteOffset).getUint32(0)) return refuse("it was altered: its checksum does not match its content");
  const scenario = fromWire(json);
  return typeof scenario === "string" ? refuse(scenario) : { ok: true, scenario };
}

/** One sentence: a reason that ends in a question mark gets no full stop after it. */
const refuse = (why: string): DecodeResult => ({ ok: false, reason: `This link cannot be opened: ${why}${/[.?!]$/.test(why) ? "" : "."}` });

/** The JSON in a link, with short keys: a link's length matters in chat tools. */
interface Wire {
  t: string;
  p?: string;
  d?: string;
  s?: string;
  l?: string;
  h?: string;
  e: string;
}

function toWire(s: SharedScenario): Wire {
  return {
    t: s.text,
    ...(s.settings.policy ? { p: s.settings.policy } : {}),
    ...(s.settings.disk ? { d: s.settings.disk } : {}),
    ...(s.settings.seed ? { s: s.settings.seed } : {}),
    ...(s.settings.limit ? { l: s.settings.limit } : {}),
    ...(s.traceHash ? { h: s.traceHash } : {}),
    e: s.engineVersion,
  };
}

/**
 * A version as package.json writes one (`0.4.0`, `1.2.3-rc.1`): the page shows it, so anything else is refused
 * rather than quoted (a long "version" could write sentences of its own).
 */
const ENGINE_VERSION_FORMAT = /^\d{1,5}\.\d{1,5}\.\d{1,5}(?:-[0-9A-Za-z.]{1,20})?$/;
/** A trace hash is lowercase hex (src/engine/sim/trace.ts: hash()). */
const TRACE_HASH_FORMAT = /^[0-9a-f]{8,128}$/;
/** Every knob changed, each with a long value, stays under this. */
const MAX_POLICY_CHARS = 4000;
const NOT_A_SCENARIO = "its content is not a scenario (was it made by another version of the playground?)";

/** The scenario a link's JSON holds, or why it is refused. */
function fromWire(json: Uint8Array): SharedScenario | string {
  let wire: unknown;
  try {
    wire = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(json));
  } catch {
    return NOT_A_SCENARIO;
  }
  if (typeof wire !== "object" || wire === null || Array.isArray(wire)) return NOT_A_SCENARIO;
  const w = wire as Record<string, unknown>;
  // a policy may be a knob set (JSON), longer than the other settings
  const optional = (key: string) => w[key] === undefined || (typeof w[key] === "string" && w[key].length <= (key === "p" ? MAX_POLICY_CHARS : 200));
  if (typeof w.t !== "string" || typeof w.e !== "string" || !["p", "d", "s", "l", "h"].every(optional)) return NOT_A_SCENARIO;
  if (!ENGINE_VERSION_FORMAT.test(w.e)) return "the engine version it names is not a version (one reads like 0.4.0)";
  if (w.h && !TRACE_HASH_FORMAT.test(w.h as string)) return "the author's trace hash it carries is not a trace hash (lowercase hex)";
  const policyProblem = w.p ? policyTextProblem(currentPresetName(w.p as string)) : undefined;
  if (policyProblem) return `the policy it names is none: ${policyProblem}`;
  const settings: LinkSettings = {
    ...(w.p ? { policy: currentPresetName(w.p as string) } : {}), // a link made before a preset was renamed still opens
    ...(w.d ? { disk: w.d as string } : {}),
    ...(w.s ? { seed: w.s as string } : {}),
    ...(w.l ? { limit: w.l as string } : {}),
  };
  return { text: w.t, settings, ...(w.h ? { traceHash: w.h as string } : {}), engineVersion: w.e };
}

/** Decompress deflate-raw, giving up as soon as the output passes `limit` bytes. */
async function inflateBounded(compressed: Uint8Array, limit: number): Promise<Uint8Array | "oversized" | "damaged"> {
  const stream = new DecompressionStream("deflate-raw");
  const writer = stream.writable.getWriter();
  // a write resolves only once the reader below has taken the previous piece's output, so at most one piece is
  // decompressed ahead of the count
  const feeding = (async () => {
    for (let at = 0; at < compressed.length; at += FEED_BYTES) await writer.write(compressed.slice(at, at + FEED_BYTES));
    await writer.close();
  })();
  feeding.catch(() => {}); // the reader sees the same error (or cancelled the stream itself)
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > limit) {
        await reader.cancel().catch(() => {});
        return "oversized";
      }
      chunks.push(value);
    }
  } catch {
    return "damaged";
  }
  return concatBytes(chunks);
}

async function pipeThrough(bytes: Uint8Array<ArrayBuffer>, transform: CompressionStream): Promise<Uint8Array> {
  const writer = transform.writable.getWriter();
  writer.write(bytes).then(() => writer.close()).catch(() => {}); // a failure shows in the reads below
  const chunks: Uint8Array[] = [];
  const reader = transform.readable.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) chunks.push(r.value);
  return concatBytes(chunks);
}

/** FNV-1a, 32 bits: a checksum against accidental change (not an authenticity check: anyone may make a link). */
function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Bytes of base64url text already checked to hold only its alphabet. */
function fromBase64Url(text: string): Uint8Array {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
