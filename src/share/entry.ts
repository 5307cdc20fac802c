/**
 * What a history entry of an edited text remembers besides its address. The address of an edit is a `#s=` link of
 * the text alone (design.md §5); the entry also keeps where the text came from (a lesson, an example, a shared link,
 * or the user's own draft), so that Back, Forward and a reload show it as it was left: the edit of lesson 1 beside
 * lesson 1, "from example … · edited". The same link opened anywhere else has no such entry: it is a shared link.
 *
 * The entry's state is the browser's (history.state, kept across reloads); it is read as untrusted: anything that
 * is not what this page wrote counts as nothing remembered.
 */
import type { Origin } from "./address.ts";

const KEY = "editedFrom";
const OWN_DRAFT = "own draft";

/** The entry's state with what its edited text came from (undefined: the user's own draft), other fields kept. */
export function rememberEditedFrom(state: unknown, origin: Origin | undefined): Record<string, unknown> {
  return { ...asRecord(state), [KEY]: origin ?? OWN_DRAFT };
}

/** The entry's state without it: the address names the text itself (a lesson, an example, the author's link). */
export function forgetEditedFrom(state: unknown): Record<string, unknown> {
  const rest = { ...asRecord(state) };
  delete rest[KEY];
  return rest;
}

/** What the entry's text was edited from (`from` undefined: the user's own draft), or undefined if it does not say. */
export function editedFrom(state: unknown): { from: Origin | undefined } | undefined {
  const value = asRecord(state)[KEY];
  if (value === OWN_DRAFT) return { from: undefined };
  return isOrigin(value) ? { from: value } : undefined;
}

const asRecord = (state: unknown): Record<string, unknown> => (typeof state === "object" && state !== null ? (state as Record<string, unknown>) : {});

function isOrigin(value: unknown): value is Origin {
  const o = asRecord(value);
  if (o.kind === "example" || o.kind === "lesson") return typeof (o.kind === "example" ? o.name : o.id) === "string" && isText(o);
  return o.kind === "link" && typeof o.fragment === "string" && isText(asRecord(o.scenario)) && typeof asRecord(o.scenario).engineVersion === "string";
}

const isText = (o: Record<string, unknown>) => typeof o.text === "string" && typeof o.settings === "object" && o.settings !== null;
