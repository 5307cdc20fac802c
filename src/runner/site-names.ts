/**
 * The names through which a transpiled scenario reports its throw and log sites (transpile.ts marks them, the
 * runner binds them): apart from the transpiler, so that a realm handed its script transpiled never loads sucrase.
 */

/** The name the marked `throw`s write their line to (the runner binds it to a fresh recorder per run). */
export const THROW_SITES = "__scenarioThrowSites";
/** The function a marked `log(...)` call goes through with its line (bound by the runner). */
export const LOG_SITES = "__scenarioLogSites";
