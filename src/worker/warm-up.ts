/**
 * A spare realm's warm-up (script-worker.ts): short scenarios of its own, run while it waits for a script, so that
 * the script's run finds its engine compiled. A fresh realm's engine is cold (each function compiled on its first
 * call, then interpreted, V8's later tiers not there yet): measured in the page, a default run 118 ms after a
 * pause in a cold realm, 91 ms in one warmed with the default scenario.
 *
 * Short ones, because a run asked for while one goes waits for it (a worker runs one task at a time); between two
 * the realm hears whether a run was asked for, and then warms up no more. What they run leaves nothing a run can
 * see: each run has its own simulation, as in the engine's worker, which replays many runs in one realm and gives
 * the CLI's result (test/worker-checks.test.ts runs them, then a scenario, against the same run without them).
 * They are JavaScript as written: the realm has no transpiler.
 */
import type { SqlJsWithFS } from "../engine/disk/sqljs-patch.ts";
import { runForReplay } from "./script-run.ts";

/** The paths of a run: start, commits, sync, checkpoints; the disk filled, ENOSPC, a failed flush; stop, restart, fsck. */
export const WARM_UPS: readonly string[] = [
  `scenario({ disk: "4 MiB" });
await flux.start();
await kvs.put("a", 1);
await kvs.put("b", 2, { sync: true });
log(await flux.checkpoints(), await kvs.get("a"));
await flux.shutdown();`,
  `scenario({ disk: "4 MiB" });
await flux.start();
const filler = disk.fill();
await kvs.put("big", bytes(100_000));
await sim.settle();
log(await content.stats(), flux.dmesg({ level: "crit" }).length);
await content.flush().catch((e) => log(e));
await kvs.put("c", 3, { sync: true }).catch((e) => log(e));
await flux.shutdown();
disk.remove(filler);`,
  `scenario({ disk: "4 MiB" });
await flux.start();
await kvs.put("a", 1);
await flux.shutdown();
await flux.start();
log(await kvs.get("a"), (await flux.fsck()).ok, disk.used, disk.free);
await kvs.get("missing").catch((e) => log(e));
await flux.shutdown();`,
];

/** Run one warm-up scenario; one that does not end clean is a bug of the realm's, said as such. */
export async function warmUp(sql: SqlJsWithFS, js: string): Promise<void> {
  let ending: object | undefined;
  await runForReplay({ compiled: { js }, overrides: {} }, sql, (m) => void (m.type === "end" && (ending = m.ending)));
  if (!ending || Object.keys(ending).length > 0) throw new Error(`its warm-up run ended with ${JSON.stringify(ending).slice(0, 300)}`);
}
