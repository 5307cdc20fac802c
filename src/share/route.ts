/**
 * The page's one URL scheme (design.md §5), all in the fragment so a static host never sees it:
 * `#s=<version>.<data>` a scenario link, `#example/<file-name>` a playground-scripts/ file, `#lesson/<id>` a
 * lesson, and nothing for the user's own draft. Pure: it only reads the address; decoding a link is
 * link.ts's, knowing which examples exist is examples.ts's.
 */
export type Route =
  | { kind: "draft" }
  | { kind: "scenario"; data: string }
  | { kind: "example"; name: string }
  | { kind: "lesson"; id: string }
  /** `quoted`: the part of the address the reason is about, shown apart from it (src/share/address.ts: QuotedField). */
  | { kind: "bad"; reason: string; quoted: string };

const NAME = /^[\w.-]{1,100}$/;

export function parseRoute(hash: string): Route {
  const fragment = hash.startsWith("#") ? hash.slice(1) : hash;
  if (fragment === "") return { kind: "draft" };
  if (fragment.startsWith("s=")) return { kind: "scenario", data: fragment.slice(2) };
  const slash = fragment.indexOf("/");
  const head = slash < 0 ? fragment : fragment.slice(0, slash);
  const name = slash < 0 ? "" : safeDecode(fragment.slice(slash + 1));
  if (head === "example" || head === "lesson") {
    if (name === undefined || !NAME.test(name)) return { kind: "bad", reason: `This address does not name ${head === "example" ? "an example" : "a lesson"}.`, quoted: `#${shorten(fragment)}` };
    return head === "example" ? { kind: "example", name } : { kind: "lesson", id: name };
  }
  return { kind: "bad", reason: "This address is not a link this page knows (#s=…, #example/…, #lesson/…).", quoted: `#${shorten(fragment)}` };
}

function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

const shorten = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}…` : text);
