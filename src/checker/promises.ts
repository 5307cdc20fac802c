/**
 * What a design promises, by name. The checker checks each promise a design makes and says which; a design
 * may declare one it does not make (flux-0.66 lets its unload checkpoint dangle, #6236), and is then not
 * failed for breaking it.
 */
import type { PolicySetting } from "../engine/policy/presets.ts";

/** Promises a scenario script checks itself (sequences.ts)... */
export const SCRIPT_PROMISES = ["checkpoint", "synced", "liveness", "flux-errors"] as const;
/** ...and promises the checker checks from the outside, while the script runs (check-design.ts). */
export const WATCHED_PROMISES = ["quota", "integrity"] as const;
export const PROMISES = [...SCRIPT_PROMISES, ...WATCHED_PROMISES] as const;

export type PromiseName = (typeof PROMISES)[number];
export type ScriptPromises = Record<(typeof SCRIPT_PROMISES)[number], boolean>;

export const PROMISE_TEXT: Record<PromiseName, string> = {
  checkpoint: "the latest checkpoint names only blobs that are on disk",
  synced: "every synced commit that succeeded survives any crash and restart",
  liveness: "once space is free and the way back is taken, a synced commit succeeds within 30 s",
  quota: "the statedir never grows past its quota",
  integrity: "SQLite's integrity_check passes after every ENOSPC and every stop",
  "flux-errors": "every failure is a Flux errno",
};

/**
 * Promises a preset is known not to make: flux-0.66's unload checkpoint does not flush first, so it can name
 * blobs that never reached the disk (#6236), which loses synced data and, when the root itself dangles, makes
 * every later start fail. A design of one's own makes every promise unless it declares otherwise.
 */
const UNMADE_BY_PRESET: Partial<Record<string, readonly PromiseName[]>> = {
  "flux-0.66": ["checkpoint", "synced", "liveness"],
};

export function promisesOf(policy: PolicySetting, without: readonly PromiseName[] = []): PromiseName[] {
  const unmade = new Set<PromiseName>([...without, ...(typeof policy === "string" ? (UNMADE_BY_PRESET[policy] ?? []) : [])]);
  return PROMISES.filter((p) => !unmade.has(p));
}

export function scriptPromises(promises: readonly PromiseName[]): ScriptPromises {
  return Object.fromEntries(SCRIPT_PROMISES.map((p) => [p, promises.includes(p)])) as ScriptPromises;
}

/** A promise's name from the command line or a link, or the reason it is none. */
export function parsePromise(name: string): PromiseName {
  if ((PROMISES as readonly string[]).includes(name)) return name as PromiseName;
  throw new Error(`unknown promise "${name}"; known: ${PROMISES.join(", ")}`);
}
