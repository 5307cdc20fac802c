/**
 * The host functions the engine and the runner call, captured when this module loads: before any scenario runs.
 * A scenario's realm (src/worker/script-realm.ts) keeps only the JavaScript built-ins, so `performance`, `btoa`,
 * the timers and the event listeners are gone from its global object by the time its engine calls them, and a
 * script could otherwise replace them; these references are the ones that were there at start-up.
 */
type Listener = (type: string, listener: (event: never) => void) => void;

const scope = globalThis as typeof globalThis & {
  setImmediate?: (callback: () => void) => unknown;
  addEventListener?: Listener;
  removeEventListener?: Listener;
};

const performanceNow = performance.now.bind(performance);
const setImmediateOf = scope.setImmediate?.bind(scope);
const setTimeoutOf = setTimeout.bind(scope);

export const host = {
  now: (): number => performanceNow(),
  btoa: btoa.bind(scope),
  atob: atob.bind(scope),
  /** A macrotask turn: setImmediate where there is one (Node), else setTimeout 0. */
  nextTurn: (callback: () => void): void => void (setImmediateOf ? setImmediateOf(callback) : setTimeoutOf(callback, 0)),
  hasSetImmediate: setImmediateOf !== undefined,
  MessageChannel: typeof MessageChannel === "undefined" ? undefined : MessageChannel,
  addEventListener: scope.addEventListener?.bind(scope) as Listener | undefined,
  removeEventListener: scope.removeEventListener?.bind(scope) as Listener | undefined,
  /** What sql.js reads at run time (its clock and its random device), handed to it as its own names. */
  performance: typeof performance === "undefined" ? undefined : { now: performanceNow },
  crypto: typeof crypto === "undefined" ? undefined : { getRandomValues: crypto.getRandomValues.bind(crypto) },
};
