/**
 * The page's one URL scheme (design.md §5), all in the fragment so a static host never sees it:
 * `#s=<version>.<data>` a scenario link (with `&at=<event>`, a moment of its run: the event number the timeline shows, from 1),
 * `#example/<file-name>` a playground-scripts/ file, `#lesson/<id>` a lesson, and nothing for the user's own draft. Pure: it only reads the address; decoding a link is
 * link.ts's, knowing which examples exist is examples.ts's.
 */
export type Route =
  | { kind: "draft" }
  /** `moment`: the link's `at=`, read (an event index) or refused (one line; the run then shows at its end). */
  | { kind: "scenario"; data: string; moment?: Moment }
  | { kind: "example"; name: string }
  | { kind: "lesson"; id: string }
  /** `quoted`: the part of the address the reason is about, shown apart from it (src/share/address.ts: QuotedField). */
  | { kind: "bad"; reason: string; quoted: string };

export type Moment = { at: number } | { problem: string };

const NAME = /^[\w.-]{1,100}$/;
/** An event number as the timeline shows it (from 1): a run has at most a few million events, nine digits are plenty. */
const EVENT_NUMBER = /^[1-9]\d{0,8}$/;

export function parseRoute(hash: string): Route {
  const fragment = hash.startsWith("#") ? hash.slice(1) : hash;
  if (fragment === "") return { kind: "draft" };
  if (fragment.startsWith("s=")) return scenarioRoute(fragment.slice(2));
  const slash = fragment.indexOf("/");
  const head = slash < 0 ? fragment : fragment.slice(0, slash);
  const name = slash < 0 ? "" : safeDecode(fragment.slice(slash + 1));
  if (head === "example" || head === "lesson") {
    if (name === undefined || !NAME.test(name)) return { kind: "bad", reason: `This address does not name ${head === "example" ? "an example" : "a lesson"}.`, quoted: `#${shorten(fragment)}` };
    return head === "example" ? { kind: "example", name } : { kind: "lesson", id: name };
  }
  return { kind: "bad", reason: "This address is not a link this page knows (#s=…, #example/…, #lesson/…).", quoted: `#${shorten(fragment)}` };
}

/**
 * `<data>` or `<data>&at=<event>`: a link's data is base64url, which never holds `&`, so links made before moments
 * existed read as they always did.
 */
function scenarioRoute(value: string): Route {
  const amp = value.indexOf("&");
  if (amp < 0) return { kind: "scenario", data: value };
  return { kind: "scenario", data: value.slice(0, amp), moment: readMoment(value.slice(amp + 1)) };
}

function readMoment(params: string): Moment {
  const [key, ...rest] = params.split("=");
  const value = rest.join("=");
  if (key !== "at" || value.includes("&")) return { problem: `This link's part after the scenario (${shorten(params)}) is not at=<event>: the run shows at its end.` };
  if (!EVENT_NUMBER.test(value)) return { problem: `This link's moment (at=${shorten(value)}) is not an event number (they count from 1): the run shows at its end.` };
  return { at: Number(value) };
}

/** The event index a link's moment puts the timeline at in a run of `eventCount` events, or why it cannot. */
export function momentInRun(moment: Moment, eventCount: number): { index: number; problem?: string } {
  const end = Math.max(0, eventCount - 1);
  if ("problem" in moment) return { index: end, problem: moment.problem };
  if (moment.at > eventCount) return { index: end, problem: `This link's moment (event ${moment.at}) is past the run's end (event ${eventCount}): the timeline shows the end.` };
  return { index: moment.at - 1 };
}

/** A scenario fragment (`#s=…`, with or without a moment) naming the event at `index` (as the timeline numbers it, from 1). */
export function withMoment(fragment: string, index: number | undefined): string {
  const amp = fragment.indexOf("&");
  const scenario = amp < 0 ? fragment : fragment.slice(0, amp);
  return index === undefined ? scenario : `${scenario}&at=${index + 1}`;
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

const shorten = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}…` : text);
