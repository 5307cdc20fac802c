/**
 * The design checker: random scenarios (sequences.ts) run against one design, each promise it makes checked
 * (promises.ts); the first sequence that breaks one is shrunk to a minimal scenario, which is its own
 * reproducer. The CLI (`npm run check`) and the property tests use this same code, so the presets and a
 * design of one's own can never be judged differently.
 */
import { resolvePolicy } from "../engine/policy/presets.ts";
import type { SqlJsWithFS } from "../engine/disk/sqljs-patch.ts";
import { runScenario } from "../runner/run-scenario.ts";
import { IntegrityWatch } from "./integrity.ts";
import { PROMISES, promisesOf, scriptPromises, type PromiseName } from "./promises.ts";
import { minimize, randomOps, scenarioFor, type Op, type PolicySetting } from "./sequences.ts";

export interface DesignCheck {
  policy: PolicySetting;
  /** Promises the design declares it does not make. */
  without?: readonly PromiseName[];
  /** How many sequences (seeds firstSeed, firstSeed+1, ...). */
  runs: number;
  firstSeed?: number;
  /** Operations per sequence. */
  length?: number;
  /** The statedir's quota, bytes. */
  disk?: number;
  /**
   * After each sequence, and after each step of shrinking a counterexample: where the check is; return (or resolve
   * to) true to stop, keeping what was found so far (a counterexample stops shrinking where it got).
   */
  onProgress?: (progress: CheckProgress) => boolean | void | Promise<boolean | void>;
  /**
   * Where the sequences run, when not here: other threads (check-threads.ts), `inFlight` sequences at a time. The
   * report is the same either way: outcomes are taken in seed order, and a counterexample is shrunk here.
   */
  runner?: { run: (seed: number) => Promise<SequenceOutcome>; inFlight: number };
}

export interface CheckProgress {
  /** Sequences run to the end of their checks so far, of `runs`. */
  done: number;
  runs: number;
  /** Once a sequence broke a promise: which, and how many operations are left of it while it is shrunk. */
  shrinking?: { broken: PromiseName | "error"; ops: number };
}

export interface SequenceOutcome {
  /** The promise broken, or "error" for a failure of another kind (an expect, a non-Flux error). */
  broken?: PromiseName | "error";
  message?: string;
  traceHash: string;
}

export interface Counterexample {
  seed: number;
  broken: PromiseName | "error";
  message: string;
  /** The operations left after shrinking, and as many before. */
  ops: Op[];
  originalLength: number;
  /** The minimal scenario, ready to open in the page or run with `npm run scenario`. */
  script: string;
}

export interface CheckReport {
  policy: string;
  promises: PromiseName[];
  /** The promises the design declares it does not make (not checked). */
  notMade: PromiseName[];
  /** Sequences run to the end of their checks. */
  sequences: number;
  /** Stopped from outside (Stop): what was found so far; a failure's shrinking may have been cut short. */
  stopped: boolean;
  failure?: Counterexample;
}

export const CHECK_DISK = 768 * 1024;
export const CHECK_LENGTH = 28;
/** Integrity checks per sequence at most: each copies the statedir, and after 40 the run has shown enough. */
const INTEGRITY_CHECKS = 40;

/** The seed of the n-th sequence: spread out, so neighbouring runs share nothing. */
export const sequenceSeed = (n: number) => n * 7919;

export class DesignChecker {
  readonly policyName: string;
  readonly promises: PromiseName[];
  private readonly disk: number;

  constructor(
    private readonly sql: SqlJsWithFS,
    private readonly check: DesignCheck,
  ) {
    const resolved = resolvePolicy(check.policy);
    this.policyName = resolved.name;
    this.promises = promisesOf(check.policy, check.without);
    this.disk = check.disk ?? CHECK_DISK;
  }

  script(ops: readonly Op[], seed: number): string {
    return scenarioFor(ops, this.check.policy, this.disk, seed, { promises: scriptPromises(this.promises) });
  }

  /** The seed's own sequence, run (what a thread of check-threads.ts does for each seed it is given). */
  runSeed(seed: number): Promise<SequenceOutcome> {
    return this.runSequence(this.opsOf(seed), seed);
  }

  private opsOf(seed: number): Op[] {
    return randomOps(sequenceSeed(seed), { length: this.check.length ?? CHECK_LENGTH, disk: this.disk });
  }

  /** One sequence, run with the quota and SQLite's integrity watched from outside the script. */
  async runSequence(ops: readonly Op[], seed: number): Promise<SequenceOutcome> {
    const watched: { promise: PromiseName; message: string }[] = [];
    let checks = 0;
    let lastUsed = 0;
    const integrity = new IntegrityWatch(this.sql, "/checker-integrity");
    const watch = (promise: PromiseName, message: string) => this.promises.includes(promise) && watched.push({ promise, message });
    const result = await runScenario(this.script(ops, seed), {
      sql: this.sql,
      retainTrace: false,
      beforeDispose: () => integrity.dispose(),
      onBroker: (broker) =>
        broker.trace.onEvent((e) => {
          // a quota shrunk below what is used is legal (files do not shrink); growing past it is not
          const used = broker.disk.used;
          if (used > broker.disk.quota && used > lastUsed) watch("quota", `the statedir grew past its quota at ${e.t} ms: ${used} > ${broker.disk.quota} bytes`);
          lastUsed = used;
          const enospc = e.kind === "reply" && e.errno === "ENOSPC";
          const stopped = e.kind === "state" && e.subject === "broker" && (e.value === "down" || e.value === "failed");
          if ((enospc || stopped) && checks++ < INTEGRITY_CHECKS) {
            const verdict = integrity.verdict(broker);
            if (verdict !== "ok") watch("integrity", `integrity_check at ${e.t} ms: ${verdict}`);
          }
        }),
    });
    const first = watched[0];
    if (first) return { broken: first.promise, message: first.message, traceHash: result.traceHash };
    if (result.ok) return { traceHash: result.traceHash };
    return { broken: brokenBy(result.error?.message ?? "", this.promises), message: result.error?.message ?? "the run failed", traceHash: result.traceHash };
  }

  /** The shortest sequence (by deleting operations) that still breaks the same promise; a stop asked on the way ends it where it got. */
  async shrink(ops: Op[], seed: number, broken: PromiseName | "error", report: CheckReport): Promise<Op[]> {
    let left = ops.length;
    return minimize(ops, async (shorter) => {
      if (report.stopped || (report.stopped = (await this.check.onProgress?.({ done: report.sequences, runs: this.check.runs, shrinking: { broken, ops: left } })) === true)) return false;
      const fails = (await this.runSequence(shorter, seed)).broken === broken;
      if (fails) left = shorter.length;
      return fails;
    });
  }

  async run(): Promise<CheckReport> {
    const { runs, firstSeed = 1 } = this.check;
    const notMade = PROMISES.filter((p) => !this.promises.includes(p));
    const report: CheckReport = { policy: this.policyName, promises: this.promises, notMade, sequences: 0, stopped: false };
    const outcomes = new Lookahead(firstSeed, firstSeed + runs, this.check.runner ?? { run: (seed) => this.runSeed(seed), inFlight: 1 });
    for (let seed = firstSeed; seed < firstSeed + runs; seed++) {
      const outcome = await outcomes.next();
      report.sequences++;
      if (outcome.broken) {
        report.failure = await this.counterexample(this.opsOf(seed), seed, outcome.broken, outcome, report);
        return report;
      }
      if ((await this.check.onProgress?.({ done: report.sequences, runs })) === true) {
        report.stopped = true;
        return report;
      }
    }
    return report;
  }

  private async counterexample(ops: Op[], seed: number, broken: PromiseName | "error", outcome: SequenceOutcome, report: CheckReport): Promise<Counterexample> {
    const minimal = await this.shrink(ops, seed, broken, report);
    const again = minimal === ops ? outcome : await this.runSequence(minimal, seed);
    return {
      seed,
      broken,
      message: again.message ?? outcome.message ?? "",
      ops: minimal,
      originalLength: ops.length,
      script: this.script(minimal, seed),
    };
  }
}

/**
 * The outcomes of seeds from..to-1, in seed order, with up to `inFlight` of them running at a time (on other
 * threads: the order they finish in does not matter). What is still running when the check ends is dropped.
 */
class Lookahead {
  private readonly running: Promise<SequenceOutcome>[] = [];

  constructor(
    private nextSeed: number,
    private readonly end: number,
    private readonly runner: NonNullable<DesignCheck["runner"]>,
  ) {}

  next(): Promise<SequenceOutcome> {
    while (this.nextSeed < this.end && this.running.length < Math.max(1, this.runner.inFlight)) {
      const outcome = this.runner.run(this.nextSeed++);
      // a failure of one not waited for yet is seen when it is; one never waited for (the check ended) is no news
      outcome.catch(() => {});
      this.running.push(outcome);
    }
    return this.running.shift()!;
  }
}

/** Which promise a failed run's message says was broken ("PROPERTY <promise>: ..."), or "error" for a failure of another kind. */
function brokenBy(message: string, promises: readonly PromiseName[]): PromiseName | "error" {
  const named = /^PROPERTY ([a-z-]+):/.exec(message)?.[1];
  return named && (promises as readonly string[]).includes(named) ? (named as PromiseName) : "error";
}
