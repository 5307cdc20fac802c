/**
 * Talks to the engine worker. One warm worker runs scenarios one at a time
 * (each in a fresh realm of its own, which the worker ends at Stop or the time
 * limit, even inside `while (true) {}`). Stop asks the worker, and terminates
 * it if it has not answered within a second; a fresh one then takes its place.
 * The worker sends each run's history in chunks as it goes, so a run that is
 * stopped still answers: with what it had sent, and the reason it ended. Every
 * message is checked (reply-check.ts) before anything is drawn from it.
 *
 * The first worker starts on `start()` or on the first run, not at
 * construction: the page decides when (its start compiles sql.js and
 * hash-wasm, which competes with Monaco's parse on a 2-core machine).
 */
import type { RunOverrides } from "../engine/api/simulation.ts";
import type { TraceEvent } from "../engine/sim/trace.ts";
import type { RunSummary } from "../runner/run-scenario.ts";
import type { Frame, RunChunk, RunEnd, RunResult, TreeNode, WorkerReply } from "../worker/protocol.ts";
import { startEngineWorker } from "../worker/engine-worker-start.ts";
import { DEFAULT_LIMIT_S, HardStop, limitStopMessage, RAISE_IN_PAGE } from "../engine/api/run-limit.ts";
import { checkReply, RunBudget } from "./reply-check.ts";

export const TIME_LIMIT_MS = DEFAULT_LIMIT_S * 1000;
/**
 * The engine's worker ends a script that never waits a second after the limit; once the limit has passed, a worker
 * that has sent nothing for this long is itself not answering. One that still sends is only behind (a big run's
 * history streams for a while after its script stopped) and is waited for.
 */
const HARD_STOP_GRACE_MS = 3_000;
/** How long Stop waits for the engine's worker to answer before terminating it. */
const SOFT_STOP_MS = 1_000;
/** The page hears of a running run's progress at most this often (4 a second: enough to follow, and it leaves the cores to the run). */
const PROGRESS_EVERY_MS = 250;

/** A running run as far as it got (a new object each report; `events` is one list that grows in place). */
export interface LiveRun {
  events: readonly TraceEvent[];
  count: number;
  /** Every layer after the newest event that changed one. */
  frame: Frame | undefined;
  /** When the run was asked for (performance.now()), and the limit it runs under. */
  started: number;
  limitMs: number;
  /** How many times the run started again from its beginning (RunRestart): its events so far are not the last report's and more. */
  restarts: number;
  /** The run so far as a result (copies of its lists up to now, no hash yet), for the timeline, chart and trees to draw. */
  soFar(): RunResult;
}

/** A run in progress: what its worker has sent so far. */
class PendingRun {
  events: TraceEvent[] = [];
  frames: Frame[] = [];
  trees: Record<string, TreeNode> = {};
  summary: RunSummary | undefined;
  readonly started = performance.now();
  budget = new RunBudget();
  restarts = 0;
  /** Stop was asked for: the worker is terminated if it does not answer in time. */
  stopping: { reason: string; timer: ReturnType<typeof setTimeout> } | undefined;
  private reported = -Infinity;
  constructor(
    readonly id: number,
    readonly resolve: (r: RunResult) => void,
    readonly limitMs: number,
    /** Told after a chunk, at most every PROGRESS_EVERY_MS, with the run so far. */
    readonly onProgress: ((live: LiveRun) => void) | undefined,
    /** The watchdog of a worker that stops answering after the limit (each chunk is word from it). */
    readonly hardStop: HardStop,
  ) {}

  add(chunk: RunChunk): void {
    this.hardStop.heard();
    for (const e of chunk.events) this.events.push(e);
    for (const f of chunk.frames) this.frames.push(f);
    Object.assign(this.trees, chunk.trees);
    this.summary = chunk.summary ?? this.summary;
    // the page redraws on each report
    const now = performance.now();
    if (now - this.reported < PROGRESS_EVERY_MS) return;
    this.reported = now;
    this.onProgress?.({ events: this.events, count: this.events.length, frame: this.frames.at(-1), started: this.started, limitMs: this.limitMs, restarts: this.restarts, soFar: () => this.asResult() });
  }

  /** The run starts again from its beginning: what came so far is void (RunRestart). */
  restart(): void {
    this.hardStop.heard();
    this.events = [];
    this.frames = [];
    this.trees = {};
    this.summary = undefined;
    this.budget = new RunBudget();
    this.reported = -Infinity;
    this.restarts++;
  }

  finished(end: RunEnd): RunResult {
    return { type: "result", id: this.id, result: end.result, events: this.events, frames: this.frames, trees: this.trees, ms: end.ms, ...(end.statedir ? { statedir: end.statedir } : {}) };
  }

  /** The run as far as it got, ended from outside for `reason` (at the run limit `limitMs`, when that was it). */
  cutShort(reason: string, limitMs?: number): RunResult {
    return this.asResult({ message: reason, ...(limitMs === undefined ? {} : { limitMs }) });
  }

  /**
   * The run as far as it got: cut short with `error`, or still running (no error, no hash yet). A running run's
   * lists are copies (the worker's chunks go on growing the originals).
   */
  private asResult(error?: { message: string; limitMs?: number }): RunResult {
    const last = this.frames.at(-1);
    const summary = this.summary;
    const copy = error === undefined;
    // (a running run's console is the live one's: no panel reads these logs before it ends)
    const logs = copy ? [] : this.events.flatMap((e) => (e.kind === "console" ? [e.text] : []));
    return {
      type: "result",
      id: this.id,
      result: {
        ok: false,
        ...(error ? { error } : {}),
        cutShort: true,
        logs,
        traceHash: !copy && summary?.events === this.events.length ? summary.traceHash : "",
        events: this.events.length,
        disk: last ? { quota: last.disk.quota, used: last.disk.used } : (summary?.disk ?? { quota: 0, used: 0 }),
        state: last?.state ?? summary?.state ?? "unknown",
        policy: summary?.policy ?? "?",
        seed: summary?.seed ?? 0,
      },
      events: copy ? this.events.slice() : this.events,
      frames: copy ? this.frames.slice() : this.frames,
      trees: copy ? { ...this.trees } : this.trees,
      ms: performance.now() - this.started,
    };
  }
}

export class EngineClient {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private nextId = 1;
  private pending: PendingRun | undefined;
  /** Statedir files asked for and not yet sent, by request id (their worker's end rejects them). */
  private files = new Map<number, { resolve: (bytes: Uint8Array<ArrayBuffer>) => void; reject: (e: Error) => void }>();

  /** Start the worker unless it runs already; resolves when the engine (sql.js and its wasm) is loaded. */
  start(): Promise<void> {
    if (!this.worker) this.spawn();
    return this.ready!;
  }

  /** Run a scenario. Always answers with a result: a run stopped or cut short answers with what it had, and why it ended. */
  run(text: string, overrides: RunOverrides, timeLimitMs = TIME_LIMIT_MS, onProgress?: (live: LiveRun) => void): Promise<RunResult> {
    if (this.pending) this.stop("a new run started");
    const id = this.nextId++;
    return new Promise<RunResult>((resolve) => {
      // the worker ends a run that waits on the simulation by itself at the limit; one that never waits is terminated a little later
      const hardStop = new HardStop(HARD_STOP_GRACE_MS, () => this.terminate(`${limitStopMessage(timeLimitMs, RAISE_IN_PAGE)} (the engine did not answer at the limit)`, timeLimitMs));
      const pending = (this.pending = new PendingRun(id, resolve, timeLimitMs, onProgress, hardStop));
      void this.start().then(() => {
        if (this.pending !== pending) return; // stopped while the engine loaded
        // the limit counts from here: the engine's start (compiling SQLite, seconds on a busy machine) is not the run's
        hardStop.scriptStart(timeLimitMs);
        this.worker!.postMessage({ type: "run", id, text, overrides, timeLimitMs });
      });
    });
  }

  /**
   * The bytes of run `runId`'s statedir file `name`, from the engine worker, which keeps the last run's files (the
   * page holds only their names and sizes, so a run that stored hundreds of MB costs the page nothing until saved).
   */
  statedirFile(runId: number, name: string): Promise<Uint8Array<ArrayBuffer>> {
    const worker = this.worker;
    if (!worker) return Promise.reject(new Error("the engine has not run this scenario yet"));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.files.set(id, { resolve, reject });
      worker.postMessage({ type: "statedir-file", id, run: runId, name });
    });
  }

  get running(): boolean {
    return this.pending !== undefined;
  }

  /**
   * Stop the run in progress (if any): the engine's worker ends it and answers with what it had; if it has not
   * within a second, it is terminated (a fresh worker takes its place) and the run keeps what it had sent.
   */
  stop(reason = "stopped"): void {
    const pending = this.pending;
    if (!pending || pending.stopping) return;
    this.worker?.postMessage({ type: "stop", reason });
    pending.stopping = { reason, timer: setTimeout(() => this.terminate(reason), SOFT_STOP_MS) };
    // a new run waits for no answer: this one ends now with what it had, and the worker's late answer is ignored
    if (reason === "a new run started") this.endPending((run) => run.cutShort(reason));
  }

  /** End the run in progress by terminating the worker; a fresh one takes its place. */
  private terminate(reason: string, limitMs?: number): void {
    this.worker?.terminate();
    this.spawn();
    this.endPending((run) => run.cutShort(reason, limitMs));
  }

  private endPending(result: (run: PendingRun) => RunResult): void {
    const pending = this.pending;
    if (!pending) return;
    this.pending = undefined;
    pending.hardStop.cancel();
    clearTimeout(pending.stopping?.timer);
    pending.resolve(result(pending));
  }

  private spawn(): void {
    for (const file of this.files.values()) file.reject(new Error("the engine was restarted since that run (Stop or a fault ended it), and its statedir files with it: run the scenario again"));
    this.files.clear();
    const worker = (this.worker = startEngineWorker());
    this.ready = new Promise((resolve, reject) => {
      worker.onmessage = (e: MessageEvent<unknown>) => {
        if (worker !== this.worker) return;
        let reply: WorkerReply;
        try {
          reply = checkReply(e.data, this.pending?.budget);
        } catch (error) {
          return this.terminate((error as Error).message);
        }
        if (reply.type === "ready") return resolve();
        if (reply.type === "statedir-bytes") return this.fileArrived(reply.id, reply.bytes, reply.problem);
        if (reply.type !== "chunk" && reply.type !== "restart" && reply.type !== "end") return; // a comparison's messages are compare-client.ts's
        const pending = this.pending;
        if (!pending || reply.id !== pending.id) return;
        if (reply.type === "chunk") return pending.add(reply);
        if (reply.type === "restart") return pending.restart();
        // from the run's request to its worker's last word: what the page takes after this is its own (npm run bench:page reads it)
        performance.measure("run:worker", { start: pending.started });
        this.endPending((run) => run.finished(reply));
      };
      worker.onerror = (e) => {
        const message = `the engine failed: ${e.message}`;
        reject(new Error(message));
        this.endPending((run) => run.cutShort(message));
      };
    });
  }

  private fileArrived(id: number, bytes: Uint8Array<ArrayBuffer> | null, problem = "the engine sent no bytes"): void {
    const asked = this.files.get(id);
    this.files.delete(id);
    if (bytes) asked?.resolve(bytes);
    else asked?.reject(new Error(problem));
  }
}
