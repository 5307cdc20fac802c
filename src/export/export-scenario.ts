/**
 * Export a scenario as a flux-core test: run it once on the model (the same runner as the page and the CLI),
 * recording each call and its answer, then write the test from that record. Nothing is written when the
 * script cannot run, fails in the model (its expected outcomes would be those of a failing run) or makes a
 * call with no Flux counterpart: each problem is one line with its line number.
 */
import type { SqlJsWithFS } from "../engine/disk/sqljs-patch.ts";
import type { Simulation } from "../engine/api/simulation.ts";
import { runScenario } from "../runner/run-scenario.ts";
import { RecordingPort } from "./recording-port.ts";
import { writeSharnessTest, type ExportOutput } from "./sharness-test.ts";

/** Wall-clock limit of the model's run (a script that waits forever is cut there, and refused). */
const EXPORT_TIME_LIMIT_MS = 60_000;

export async function exportScenario(text: string, name: string, sql: SqlJsWithFS): Promise<ExportOutput> {
  if (!/(^|[^.\w])scenario\s*\(\s*\{/.test(text)) return { ok: false, problems: ["line 1: no scenario({...}) call: the export takes the statedir's size and the policy from it"] };
  let recorder: RecordingPort | undefined;
  let sim: Simulation | undefined;
  let settings: Simulation["settings"] | undefined;
  const result = await runScenario(text, {
    sql,
    retainTrace: false,
    timeLimitMs: EXPORT_TIME_LIMIT_MS,
    onSimulation: (s) => (sim = s),
    wrapPort: (session, site) => (recorder = new RecordingPort(session, site)),
    beforeDispose: () => {
      try {
        settings = sim?.settings;
      } catch {
        // bad settings: the result says so
      }
    },
  });
  if (!result.ok || !recorder || !settings) {
    const where = result.error?.line ? `line ${result.error.line}` : "line ?";
    return { ok: false, problems: [`${where}: the script ${result.badInput ? "cannot run" : "fails in the model"}: ${result.error?.message ?? "no result"}`] };
  }
  return writeSharnessTest({ name, source: text, title: settings.title, quota: settings.quota, knobs: settings.knobs, steps: recorder.steps });
}
