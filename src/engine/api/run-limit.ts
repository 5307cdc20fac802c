/**
 * The run limit: how much wall-clock time a run may take before it is cut short. A run's size is the user's
 * question, so the limit is theirs to raise: `scenario({ limit: 60 })` in the script, the page's limit box, the
 * CLI's --timeout-ms. It is read before the run (a limit must be known when the clock starts), from the script's
 * text by the same literal reader that fills the page's controls, and it never enters the trace: a run that ends
 * by itself is the same run under any limit.
 */

/** Seconds a run may take when nobody said otherwise. */
export const DEFAULT_LIMIT_S = 10;
/**
 * The most a limit may be: ten minutes. Time is not what fills the page, a run's history is (it keeps every event);
 * a run that makes events at the engine's full pace (about 54,000 a second: issue 24's 2,000 jobs, 947,334 events
 * in the CLI's 17.6 s) meets the page's bound of 5 million events (reply-check.ts) well before, and is cut there.
 */
export const MAX_LIMIT_S = 600;

/** A limit to run with, and the one line to show when the limit asked for could not be used. */
export interface RunLimit {
  seconds: number;
  problem?: string;
}

/**
 * Seconds from `60`, `"60"`, `"60 s"` or `"1.5 s"`, or why not. `what` names where the value came from in the
 * line ("scenario(): limit", "the limit box").
 */
export function parseLimit(value: unknown, what: string): RunLimit {
  const seconds = typeof value === "number" ? value : typeof value === "string" ? secondsOf(value) : NaN;
  const shown = typeof value === "string" ? JSON.stringify(value) : String(value);
  if (!Number.isFinite(seconds)) return refused(`${what} ${shown} is not a number of seconds (write e.g. 60 or "60 s")`);
  if (seconds <= 0) return refused(`${what} ${shown} is not above 0 seconds`);
  if (seconds > MAX_LIMIT_S) return refused(`${what} ${shown} is above ${MAX_LIMIT_S} s, the longest run the page can hold`);
  return { seconds };
}

/**
 * The limit a run goes with: the control's when set (the page's box), else the script's `scenario({ limit })`,
 * else the default. `written` is the value the script's literal holds for `limit` (undefined when it names none,
 * `COMPUTED` when it names one the text reader cannot read).
 */
export function runLimit(control: string, written: unknown): RunLimit {
  if (control.trim()) return parseLimit(control.trim(), "the limit box's");
  if (written === undefined) return { seconds: DEFAULT_LIMIT_S };
  if (written === COMPUTED) return refused("scenario(): limit is read from the script's text before the run, so it must be a literal (60 or \"60 s\"), not a computed value");
  return parseLimit(written, "scenario(): limit");
}

/** What the script's settings hold for `limit` when it is there but computed. */
export const COMPUTED = Symbol("computed");

/** The `limit` of a script's scenario({...}) as its text reader found it (scenario-literal.ts leaves a computed value undefined). */
export function writtenLimit(literal: Record<string, unknown> | undefined): unknown {
  return literal && "limit" in literal ? (literal.limit ?? COMPUTED) : undefined;
}

/** The limit to offer after a run was cut at `seconds`: at least a minute, four times as long, never past the maximum. */
export function raisedLimit(seconds: number): number | undefined {
  if (seconds >= MAX_LIMIT_S) return undefined;
  return Math.min(MAX_LIMIT_S, Math.max(60, seconds * 4));
}

/** How the page and the CLI raise the limit, for the message of a run it cut. */
export const RAISE_IN_PAGE = "the page's run limit; raise it with scenario({ limit: 60 }) or the toolbar's limit box";
export const RAISE_IN_CLI = "the run limit; raise it with scenario({ limit: 60 }) or --timeout-ms";

/**
 * Why a run was cut at its limit. It says the run was big, not wrong, unless it never once awaited the
 * simulation (then a loop without await is the likely cause), and that its result depends on the machine.
 */
export function limitStopMessage(limitMs: number, raiseLimit: string, neverAwaited = false): string {
  const where = neverAwaited ? ", inside a stretch of the script that never awaited the simulation (a loop without await?)" : "";
  return `stopped after ${formatLimit(limitMs / 1000)} of wall-clock time, ${raiseLimit}${where}. A run cut short got as far as this machine's speed let it, so its trace hash cannot be shared as "same result"`;
}

/** How a limit reads in a message: "10 s", "1.5 s". */
export const formatLimit = (seconds: number): string => `${+seconds.toFixed(3)} s`;

const refused = (problem: string): RunLimit => ({ seconds: DEFAULT_LIMIT_S, problem: `${problem}; the run uses the default ${formatLimit(DEFAULT_LIMIT_S)}` });

function secondsOf(text: string): number {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*(s|sec|seconds?)?\s*$/i.exec(text);
  return m ? Number(m[1]) : NaN;
}

/**
 * The watchdog over a run's script from outside its thread (the CLI's worker, the page's script realm, the page's
 * engine worker): a script that waits on the simulation ends itself at the limit, with the better message, but one
 * that never waits (`while (true) {}`) can only be terminated. So the watchdog fires once the limit and a grace have
 * passed *and* nothing has been heard from that side for the grace: a side that still sends (it does as it turns)
 * is only behind on a busy machine, and is waited for. And the thread's own start (loading SQLite, compiling the
 * engine: seconds on a busy machine) is not the script's time: until the script has started the thread has
 * THREAD_START_MS more. Firing at the limit plus the grace, counted from the thread's creation, told a script that
 * awaited the simulation, on 2 cores at load 9, that it never had (test/run-limit.test.ts's CLI case, in CI).
 */
export class HardStop {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastHeard = performance.now();
  /** When the script's limit and its grace are over (once it started). */
  private overdueAt: number | undefined;
  /** Set while the thread is starting and its script has not: the limit its first word starts. */
  private startingLimitMs: number | undefined;

  /** @param fire told whether the script had started (else its thread never got to start it) */
  constructor(
    private readonly graceMs: number,
    private readonly fire: (scriptStarted: boolean) => void,
  ) {}

  /** The thread is starting: the limit counts once its script does, at the first word heard from it (or scriptStart). */
  threadStarting(limitMs: number): void {
    this.startingLimitMs = limitMs;
    this.lastHeard = performance.now();
    this.watch(limitMs + THREAD_START_MS + this.graceMs);
  }

  /** The script started now: the limit counts from here. */
  scriptStart(limitMs: number): void {
    this.startingLimitMs = undefined;
    this.lastHeard = performance.now();
    this.overdueAt = this.lastHeard + limitMs + this.graceMs;
    this.watch(limitMs + this.graceMs);
  }

  /** The other side sent something: it is alive (and, if its thread was starting, its script has started). */
  heard(): void {
    if (this.startingLimitMs !== undefined) return this.scriptStart(this.startingLimitMs);
    this.lastHeard = performance.now();
  }

  /**
   * The script has run past its limit and the grace: a script that keeps talking without ever waiting on the
   * simulation (a loop of reads or log lines) is never quiet, and would never be ended for silence.
   */
  overdue(): boolean {
    return this.overdueAt !== undefined && performance.now() > this.overdueAt;
  }

  /** The script's own limit has passed (its grace not counted): where a waiting script ends itself. */
  pastLimit(): boolean {
    return this.overdueAt !== undefined && performance.now() > this.overdueAt - this.graceMs;
  }

  cancel(): void {
    clearTimeout(this.timer);
  }

  private watch(waitMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const quiet = performance.now() - this.lastHeard;
      if (quiet < this.graceMs) return this.watch(this.graceMs - quiet);
      this.fire(this.startingLimitMs === undefined);
    }, waitMs);
  }
}

/** How long past the limit, and of silence, before the script's thread of a run is terminated (the CLI's, the page's realm). */
export const SCRIPT_GRACE_MS = 1_000;
/** What a script's thread may take to start its script, beyond the limit (measured: the CLI's worker 2.1-2.9 s at load 6.6 on 2 cores, more than a 1 s limit and its grace). */
export const THREAD_START_MS = 30_000;

/** Why a thread was terminated before its script started. */
export const threadStartMessage = (what: string) => `${what} did not start the script within ${THREAD_START_MS / 1000} s of the run limit (a machine this busy cannot run it)`;
