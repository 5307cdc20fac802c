/**
 * The script's side of a linked run: the script runs here, in a realm without an engine, and each of its calls is
 * carried out by the engine's worker over an EngineLink (engine-link.ts); when it ends, the link says how. The
 * page's linked realm (linked-script-worker.ts) runs it after cutting its global object down to the built-ins;
 * tests run it in their own process.
 */
import { RAISE_IN_PAGE } from "../engine/api/run-limit.ts";
import { host } from "../engine/common/host.ts";
import { runScript } from "../runner/script-driver.ts";
import type { EngineLink } from "./engine-link.ts";
import type { ScriptRequest } from "./replayed-run.ts";

/** @param prepare runs just before the script (the realm's last moment to take anything away); what it throws ends the run as bad input. */
export async function runLinked(request: ScriptRequest, link: EngineLink, prepare?: () => void): Promise<void> {
  try {
    prepare?.();
  } catch (e) {
    return link.end({ error: { message: (e as Error).message }, badInput: true }, false);
  }
  link.started();
  let epilogue = false;
  const limitMs = request.timeLimitMs;
  const ending = await runScript(request.compiled.js ?? "", {
    port: link,
    driven: link,
    limits: { deadline: limitMs === undefined ? Infinity : host.now() + limitMs, timeLimitMs: limitMs ?? 0, raiseLimit: RAISE_IN_PAGE, onTurn: undefined },
    reproduction: () => link.reproduction(),
    // the engine's side runs an epilogue itself, on its own engine: here it only marks where one would start
    epilogue: async () => void (epilogue = true),
  });
  link.end(ending, epilogue);
}
