/**
 * What a `--verbose` run of an exported test says, step by step: each test's verdict, the values Flux showed
 * (the lines the steps echo as "flux: ..."), and the end of its output when it failed; then one verdict for
 * the whole run: "agree", "differ at step N", or the skip's reason.
 */
export interface StepReport {
  n: number;
  title: string;
  ok: boolean;
  /** The values Flux showed in this step. */
  seen: string[];
  /** The last lines of the step's output, for a step that failed. */
  tail: string[];
}

export interface SharnessRun {
  steps: StepReport[];
  verdict: string;
  skipped: boolean;
}

const RESULT = /^(not )?ok (\d+) - (.*?)( # TODO.*)?$/;
const TAIL_LINES = 8;

export function readSharnessRun(output: string): SharnessRun {
  const steps: StepReport[] = [];
  let pending: string[] = [];
  let skip: string | undefined;
  for (const line of output.split("\n")) {
    const m = RESULT.exec(line);
    if (m) {
      const ok = !m[1];
      steps.push({ n: Number(m[2]), title: m[3]!, ok, seen: pending.filter((l) => l.startsWith("flux: ")).map((l) => l.slice(6)), tail: ok ? [] : pending.slice(-TAIL_LINES) });
      pending = [];
      continue;
    }
    const skipped = /^1\.\.0 # SKIP (.*)$/.exec(line);
    if (skipped) skip = skipped[1];
    pending.push(line);
  }
  if (skip !== undefined) return { steps, verdict: `skipped: ${skip}`, skipped: true };
  // step 1 creates the statedir: the scenario's own steps are counted from 1 after it
  const first = steps.find((s) => !s.ok);
  if (steps.length === 0) return { steps, verdict: `differ at step 1 (the test ran no step: ${output.trim().split("\n").slice(-3).join(" / ")})`, skipped: false };
  return { steps, verdict: first ? `differ at step ${first.n}` : "agree", skipped: false };
}
