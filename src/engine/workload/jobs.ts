/**
 * A job workload that writes into the KVS what a Flux job writes.
 *
 * One job at a time (or `concurrency` at a time), like `flux run echo
 * 0123456789` in flux-core's t0090-content-enospc.t: job-ingest commits the
 * signed jobspec J, the jobspec and the first eventlog entry; job-manager
 * appends each state change to job.<id>.eventlog (one commit each), commits
 * R with the alloc event; the guest data (exec eventlog and output) is
 * committed under job.<id>.guest in one go. Each job is a dozen small
 * commits, each rewriting its job directory and every directory above it;
 * this is the workload the calibration's per-job figures are measured on.
 *
 * All at once (`atOnce`), like `flux submit --cc=1-n`: as flux-core 0.88
 * does it, with job-ingest's and job-manager's commit batches
 * (commit-batch.ts), the scheduler's R commit, and a guest namespace per job
 * (guest-namespace.ts): see submitAtOnce.
 */
import type { Bus, Endpoint } from "../sim/bus.ts";
import type { Prng } from "../sim/prng.ts";
import { type Errno, FluxError, strerror } from "../sim/errno.ts";
import { eventlogLine, eventTimestamp, putText } from "../common/eventlog.ts";
import type { KvsOp } from "../modules/kvs/txn.ts";
import { CommitBatch } from "./commit-batch.ts";
import { GuestNamespace } from "./guest-namespace.ts";
import type { JobOptions, JobsResult } from "../api/types.ts";
import { host } from "../common/host.ts";
import type { JobQueue } from "./job-queue.ts";

export type { JobOptions, JobsResult };

const encoder = new TextEncoder();
const DEFAULT_OUTPUT = "0123456789\n";
const DEFAULT_RUNTIME_MS = 50;
/** Cores of this machine kind: sched-simple runs one single-core job on each. */
const DEFAULT_CORES = 2;
/** job-manager's and job-ingest's batch_timeout, 0.01 s (event.c event_ctx_create, job-ingest.c). */
const BATCH_WINDOW_MS = 10;
/**
 * Between two submissions of `flux submit --cc=1-n`: measured on real 0.88
 * here, 20 jobs got ids in 7-8 distinct milliseconds (dothex
 * job.0000.0002.6e00.0000 … job.0000.0002.7400.0001), 2-4 per millisecond.
 */
const SUBMIT_INTERVAL_MS = 0.35;
/**
 * job-manager's time to post one event (event_job_post_pack: update, action,
 * the batch entry): consecutive events of a batch are 25-50 µs apart in the
 * eventlogs of real 0.88 here, so no two entries are the same bytes.
 */
const EVENT_POST_MS = 0.03;
const SUBMIT_CONTEXT = { userid: 1000, urgency: 16, flags: 0, version: 1 };
const ENVIRONMENT: Record<string, string> = {
  HOME: "/home/flux",
  LANG: "C.UTF-8",
  LOGNAME: "flux",
  PATH: "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
  PWD: "/home/flux",
  SHELL: "/bin/bash",
  SHLVL: "1",
  TERM: "xterm-256color",
  USER: "flux",
  FLUX_URI: "local:///run/flux/local",
  PYTHONPATH: "/usr/lib/flux/python3.11",
  MANPATH: "/usr/share/man",
  LUA_PATH: "/usr/share/lua/5.3/?.lua;;",
  LUA_CPATH: "/usr/lib/x86_64-linux-gnu/lua/5.3/?.so;;",
  XDG_RUNTIME_DIR: "/run/user/1000",
};

/** A FLUID (flux-core src/common/libutil/fluid.c): ms timestamp << 24 | generator << 10 | sequence, as "dothex" keys use it. */
export function fluidDothex(timestampMs: number, generator: number, sequence: number): string {
  const id = (BigInt(Math.floor(timestampMs)) << 24n) | (BigInt(generator & 0x3fff) << 10n) | BigInt(sequence & 0x3ff);
  const hex = id.toString(16).padStart(16, "0");
  return `${hex.slice(0, 4)}.${hex.slice(4, 8)}.${hex.slice(8, 12)}.${hex.slice(12, 16)}`;
}

/** Jobs as job-ingest, job-manager, the scheduler, job-exec and the job shell write them. */
export class JobWorkload {
  /** job-ingest's FLUID generator state (fluid.c): the last timestamp used, in ms, and the sequence within it. */
  private fluid = { timestamp: -1, sequence: 0 };
  private readonly ingest: Endpoint;
  private readonly manager: Endpoint;
  private readonly exec: Endpoint;
  private readonly sched: Endpoint;
  private readonly shell: Endpoint;

  constructor(
    bus: Bus,
    /** The run's PRNG: how long each job of a batch runs varies, as real shells' start-up does. */
    private readonly prng: () => Prng,
    /** job-manager's queue: a disabled one refuses every job it is announced. */
    private readonly queue: JobQueue,
  ) {
    this.ingest = bus.endpoint("job-ingest");
    this.manager = bus.endpoint("job-manager");
    this.exec = bus.endpoint("job-exec");
    this.sched = bus.endpoint("sched-simple");
    this.shell = bus.endpoint("job-shell");
  }

  private newId(): string {
    // fluid_generate / update_timestamp: the sequence starts again at 0 in each new millisecond
    const timestamp = Math.floor(this.ingest.now());
    if (timestamp > this.fluid.timestamp) this.fluid = { timestamp, sequence: 0 };
    return fluidDothex(timestamp, 0, this.fluid.sequence++);
  }

  /** One job eventlog entry, appended (event.c event_batch_commit_event: FLUX_KVS_APPEND to job.<id>.eventlog). */
  private event(dir: string, name: string, context: object = {}): KvsOp {
    this.manager.work(EVENT_POST_MS);
    return putText(`${dir}.eventlog`, eventlogLine(eventTimestamp(this.manager.workClock()), name, context), true);
  }

  /**
   * Run `count` jobs: with `opts.atOnce`, all submitted together and
   * batched as Flux batches them (submitAtOnce); otherwise
   * `opts.concurrency` (default 1) at a time, a new one starting as soon as
   * one finishes. After the first commit that fails no more start; the
   * answer comes once the running ones are done. The result lists the jobs
   * that completed, in the order they were submitted.
   */
  submit(count: number, opts: JobOptions, done: (result: JobsResult, error?: FluxError) => void): void {
    const run = new JobsRun(count, opts, done);
    if (opts.atOnce) this.submitAtOnce(run, opts);
    else this.submitInTurn(run, opts);
  }

  private submitInTurn(run: JobsRun, opts: JobOptions): void {
    let started = 0;
    const startNext = (): void => {
      if (run.failure || started >= run.count) {
        const never = run.count - started;
        started = run.count;
        return run.abandon(never);
      }
      const index = started++;
      const id = this.newId();
      this.runJob(id, opts, (error) => {
        run.settle(index, id, error);
        startNext();
      });
    };
    const parallel = Math.max(1, Math.min(opts.concurrency ?? 1, run.count));
    for (let i = 0; i < parallel; i++) startNext();
    if (run.count === 0) run.abandon(0);
  }

  /**
   * `flux submit --cc=1-n`: every job reaches job-ingest at once, so one
   * ingest batch commits all their J and jobspec (job-ingest.c
   * batch_add_job) and one job-manager.submit announces them; job-manager
   * posts submit and validate for all of them in one event batch and holds
   * each job until that batch is committed (submit.c submit_job,
   * event_batch_add_job), then depend and priority go into the next batch
   * and the jobs wait for a core. As many run at a time as there are cores
   * (`opts.cores`, default 2, like this machine kind; sched-simple gives
   * one core per job): the scheduler commits R, job-manager posts alloc and,
   * once job-exec has started the shell, start; when the job exits, finish,
   * then job-exec commits the job's guest data (job-exec.c jobinfo_finalize
   * → ns_move), then release, free and clean, and the core is free again.
   * Every event of every job goes through the one job-manager batch, so
   * events that happen within one window share a commit.
   */
  private submitAtOnce(run: JobsRun, opts: JobOptions): void {
    const windowMs = opts.batchMs ?? BATCH_WINDOW_MS;
    const ingest = new CommitBatch(this.ingest, windowMs);
    const manager = new CommitBatch(this.manager, windowMs);
    const waitingForCore: { index: number; id: string }[] = [];
    let freeCores = opts.cores ?? DEFAULT_CORES;
    const failed = (index: number, id: string, errno: Errno) => {
      run.settle(index, id, commitError("job-manager", errno));
      run.abandon(waitingForCore.splice(0).length);
    };
    const allocate = (): void => {
      while (freeCores > 0 && waitingForCore.length > 0 && !run.failure) {
        freeCores--;
        const { index, id } = waitingForCore.shift()!;
        this.runAllocated(id, opts, manager, (errno) => {
          freeCores++;
          if (errno) failed(index, id, errno);
          else run.settle(index, id);
          allocate();
        });
      }
    };
    const submitOne = (index: number): void => {
      const id = this.newId();
      const dir = `job.${id}`;
      ingest.add(this.ingestOps(dir, index + 1), (errno) => {
        if (errno || run.failure) return errno ? failed(index, id, errno) : run.abandon(1);
        const refusal = this.queue.submitRefusal();
        if (refusal) return this.refused(dir, `flux submit: ${refusal}`, (error) => run.settle(index, id, error));
        manager.add([this.event(dir, "submit", SUBMIT_CONTEXT), this.event(dir, "validate")], (errno) => {
          if (errno || run.failure) return errno ? failed(index, id, errno) : run.abandon(1);
          manager.add([this.event(dir, "depend"), this.event(dir, "priority", { priority: 16 })]);
          waitingForCore.push({ index, id });
          allocate();
        });
      });
    };
    // `flux submit --cc` sends one job-ingest.submit after another: a few per millisecond, so the ids (and the
    // job directories above them) spread over several milliseconds
    for (let index = 0; index < run.count; index++) this.ingest.timer(index * SUBMIT_INTERVAL_MS, "job-ingest.submit", () => submitOne(index));
    if (run.count === 0) run.abandon(0);
  }

  /** One allocated job of submitAtOnce, from R to clean; `done` once its clean event is committed. */
  private runAllocated(id: string, opts: JobOptions, manager: CommitBatch, done: (errno?: Errno) => void): void {
    const dir = `job.${id}`;
    const guest = new GuestNamespace(this.exec, this.shell, dir, id);
    const failedOr = (next: () => void) => (errno?: Errno) => (errno ? done(errno) : next());
    const clean = () => manager.add([this.event(dir, "release", { ranks: "all", final: true }), this.event(dir, "free"), this.event(dir, "clean")], done);
    const finish = () => {
      manager.add([this.event(dir, "finish", { status: 0 })]);
      guest.finalize(failedOr(clean));
    };
    const start = () => {
      manager.add([this.event(dir, "start")]);
      guest.run(this.varied(opts.runtimeMs ?? DEFAULT_RUNTIME_MS), opts.output ?? DEFAULT_OUTPUT, failedOr(finish));
    };
    // sched-simple commits R before it answers the alloc request (libschedutil alloc.c)
    this.sched.rpc("kvs.commit", { ops: [putText(`${dir}.R`, this.resources())] }, (r) => {
      if (!r.ok) return done(r.errno);
      manager.add([this.event(dir, "alloc")]);
      guest.create(failedOr(start));
    });
  }


  /**
   * job-manager refused the job job-ingest has just committed (queue
   * disabled): the submitter gets the error, and job-ingest commits the
   * job's removal (batch_cleanup; the directories above it stay). Measured
   * on real 0.88 here: two refused submissions advance the root by 4.
   */
  private refused(dir: string, text: string, done: (error: FluxError) => void): void {
    done(new FluxError("EINVAL", text));
    this.ingest.rpc("kvs.commit", { ops: [{ op: "unlink", key: dir }] }, (r) => {
      if (!r.ok) this.ingest.log("err", `batch_cleanup_continuation: KVS commit failed: ${strerror(r.errno)}`);
    });
  }

  private runJob(id: string, opts: JobOptions, done: (error?: FluxError) => void): void {
    const dir = `job.${id}`;
    const refusal = this.queue.submitRefusal();
    if (refusal) {
      this.ingest.rpc("kvs.commit", { ops: this.ingestOps(dir) }, (r) => (r.ok ? this.refused(dir, `flux run: ${refusal}`, done) : done(commitError("job-ingest", r.errno))));
      return;
    }
    const output = opts.output ?? DEFAULT_OUTPUT;
    const event = (name: string, context: object = {}) => this.event(dir, name, context);
    const steps: [Endpoint, () => KvsOp[]][] = [
      [this.ingest, () => [...this.ingestOps(dir), event("submit", SUBMIT_CONTEXT)]],
      [this.manager, () => [event("validate")]],
      [this.manager, () => [event("depend")]],
      [this.manager, () => [event("priority", { priority: 16 })]],
      [this.manager, () => [putText(`${dir}.R`, this.resources()), event("alloc")]],
      [this.manager, () => [event("start")]],
      [this.exec, () => this.guestOps(dir, output)],
      [this.manager, () => [event("finish", { status: 0 })]],
      [this.manager, () => [event("release", { ranks: "all", final: true })]],
      [this.manager, () => [event("free")]],
      [this.manager, () => [event("clean")]],
    ];
    const run = (i: number): void => {
      const step = steps[i];
      if (!step) return done();
      const [h, ops] = step;
      const commit = () =>
        h.rpc("kvs.commit", { ops: ops() }, (r) => {
          if (!r.ok) return done(commitError(h.name, r.errno));
          run(i + 1);
        });
      // the job runs between "start" and the guest namespace being written
      if (h === this.exec) h.timer(opts.runtimeMs ?? DEFAULT_RUNTIME_MS, `job ${id} runs`, commit);
      else commit();
    };
    run(0);
  }

  /**
   * A job's run time, from half to one and a half times `runtimeMs`
   * (uniform, in 1 % steps): real jobs of one `--cc` batch take 29-236 ms
   * from start to finish (`flux job eventlog`, six `echo` jobs on real 0.88
   * here), so jobs that start together do not finish together, and their
   * events fall into different batches.
   */
  private varied(runtimeMs: number): number {
    return (runtimeMs * this.prng().int(50, 150)) / 100;
  }

  /** What job-ingest commits for a job (job-ingest.c batch_add_job): J and the jobspec. */
  private ingestOps(dir: string, cc?: number): KvsOp[] {
    const { signed, jobspec } = cc === undefined ? (this.submitted ??= submittedJob()) : submittedJob(cc);
    return [
      { op: "put", key: `${dir}.J`, value: signed },
      { op: "put", key: `${dir}.jobspec`, value: jobspec },
    ];
  }

  private guestOps(dir: string, output: string): KvsOp[] {
    const t = this.timestamp();
    const lines = (entries: [string, object][]) => entries.map(([name, context]) => eventlogLine(t, name, context)).join("");
    return [
      putText(
        `${dir}.guest.exec.eventlog`,
        lines([
          ["init", {}],
          ["starting", {}],
          ["shell.init", { service: "1000-shell-f", leader_rank: 0, size: 1 }],
          ["shell.start", { taskmap: { version: 1, map: [[0, 1, 1, 1]] } }],
          ["complete", { status: 0 }],
          ["done", {}],
        ]),
      ),
      putText(
        `${dir}.guest.output`,
        lines([
          ["header", { version: 1, encoding: { stdout: "UTF-8", stderr: "UTF-8" }, count: { stdout: 1, stderr: 1 }, options: {} }],
          ["data", { stream: "stdout", rank: "0", data: output }],
          ["data", { stream: "stdout", rank: "0", eof: true }],
          ["data", { stream: "stderr", rank: "0", eof: true }],
        ]),
      ),
    ];
  }

  private resources(): string {
    const t = this.timestamp();
    return JSON.stringify({
      version: 1,
      execution: { R_lite: [{ rank: "0", children: { core: "0" } }], starttime: t, expiration: 0, nodelist: ["rank0"] },
    });
  }

  /** Every job is the same `flux run echo 0123456789`: its J and jobspec bytes are made once (a value's bytes are never changed). */
  private submitted: { signed: Uint8Array; jobspec: Uint8Array } | undefined;

  private timestamp(): number {
    return eventTimestamp(this.ingest.now());
  }
}

/** The outcome of one jobs.submit: which jobs completed, the first failure, and the answer once every job is settled. */
class JobsRun {
  private readonly completed: (string | undefined)[] = [];
  private settled = 0;
  private answered = false;
  failure: FluxError | undefined;

  constructor(
    readonly count: number,
    private readonly opts: JobOptions,
    private readonly done: (result: JobsResult, error?: FluxError) => void,
  ) {}

  /** Job `index` is over: completed, or failed with `error`. */
  settle(index: number, id: string, error?: FluxError): void {
    if (error) this.failure ??= error;
    else this.completed[index] = id;
    this.abandon(1);
  }

  /** `jobs` will never run (a commit failed first); answers once every job is accounted for. */
  abandon(jobs: number): void {
    this.settled += jobs;
    if (this.answered || this.settled !== this.count) return;
    this.answered = true;
    const ids = this.completed.filter((id): id is string => id !== undefined);
    this.done({ ids, output: ids.map(() => this.opts.output ?? DEFAULT_OUTPUT) }, this.failure);
  }
}

function commitError(service: string, errno: Errno): FluxError {
  return new FluxError(errno, `${service}: flux_kvs_commit: ${strerror(errno)}`);
}

/**
 * The jobspec of `flux run echo 0123456789` and J, the signed jobspec:
 * header.payload.signature, base64url ("none" signing). `flux submit --cc`
 * sets FLUX_JOB_CC=<i> in each job's environment (flux-core
 * src/bindings/python/flux/cli/base.py), so each J differs. job-ingest
 * stores the jobspec without its environment (job-ingest.c batch_add_job,
 * flux-core#4520): that one is the same for every job.
 */
function submittedJob(cc?: number): { signed: Uint8Array; jobspec: Uint8Array } {
  const environment = cc === undefined ? ENVIRONMENT : { ...ENVIRONMENT, FLUX_JOB_CC: String(cc) };
  const jobspecWith = (system: object) =>
    JSON.stringify({
      resources: [{ type: "slot", count: 1, with: [{ type: "core", count: 1 }], label: "task" }],
      tasks: [{ command: ["echo", "0123456789"], slot: "task", count: { per_slot: 1 } }],
      attributes: { system },
      version: 1,
    });
  const system = { duration: 0, cwd: "/home/flux", shell: { options: { rlimit: { core: 0 } } } };
  const signed = `eyJ2ZXJzaW9uIjoxLCJtZWNoYW5pc20iOiJub25lIiwidXNlcmlkIjoxMDAwfQ.${host.btoa(jobspecWith({ ...system, environment })).replace(/=+$/, "")}.none`;
  return { signed: encoder.encode(signed), jobspec: encoder.encode(jobspecWith(system)) };
}
