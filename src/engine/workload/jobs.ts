/**
 * A job workload that writes into the KVS what a Flux job writes: job-ingest
 * commits the signed jobspec J, the jobspec and the first eventlog entry;
 * job-manager appends each state change to job.<id>.eventlog (one commit
 * each), commits R with the alloc event; job-exec's guest namespace (exec
 * eventlog and output) ends up under job.<id>.guest. Like `flux run echo
 * 0123456789` in flux-core's t0090-content-enospc.t, each job is a dozen
 * small commits, and each commit rewrites its job directory and every
 * directory above it.
 */
import type { Bus, Endpoint } from "../sim/bus.ts";
import { type Errno, FluxError, strerror } from "../sim/errno.ts";
import { eventlogLine, eventTimestamp, putText } from "../common/eventlog.ts";
import type { KvsOp } from "../modules/kvs/txn.ts";
import type { JobOptions, JobsResult } from "../api/types.ts";
import { host } from "../common/host.ts";

export type { JobOptions, JobsResult };

const encoder = new TextEncoder();
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

/** Jobs as job-ingest, job-manager and job-exec write them, one after another. */
export class JobWorkload {
  private sequence = 0;
  private readonly ingest: Endpoint;
  private readonly manager: Endpoint;
  private readonly exec: Endpoint;

  constructor(bus: Bus) {
    this.ingest = bus.endpoint("job-ingest");
    this.manager = bus.endpoint("job-manager");
    this.exec = bus.endpoint("job-exec");
  }

  /**
   * Run `count` jobs, `opts.concurrency` (default 1) at a time: a new one
   * starts as soon as one finishes. After the first commit that fails no more
   * start; the answer comes once the running ones are done. The result lists
   * the jobs that completed, in the order they were started.
   */
  submit(count: number, opts: JobOptions, done: (result: JobsResult, error?: FluxError) => void): void {
    const completed: (string | undefined)[] = [];
    let started = 0;
    let running = 0;
    let failure: FluxError | undefined;
    const finish = () => {
      const ids = completed.filter((id): id is string => id !== undefined);
      done({ ids, output: ids.map(() => opts.output ?? "0123456789\n") }, failure);
    };
    const startNext = (): void => {
      if (failure || started >= count) {
        if (running === 0) finish();
        return;
      }
      const index = started++;
      running++;
      const id = fluidDothex(this.ingest.now(), 0, this.sequence++);
      this.runJob(id, opts, (error) => {
        running--;
        if (error) failure ??= error;
        else completed[index] = id;
        startNext();
      });
    };
    const parallel = Math.max(1, Math.min(opts.concurrency ?? 1, count));
    for (let i = 0; i < parallel; i++) startNext();
    if (count === 0) finish();
  }

  private runJob(id: string, opts: JobOptions, done: (error?: FluxError) => void): void {
    const dir = `job.${id}`;
    const output = opts.output ?? "0123456789\n";
    const event = (name: string, context: object = {}) => putText(`${dir}.eventlog`, eventlogLine(this.timestamp(), name, context), true);
    const steps: [Endpoint, () => KvsOp[]][] = [
      [this.ingest, () => this.ingestOps(dir, event)],
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
      if (h === this.exec) h.timer(opts.runtimeMs ?? 50, `job ${id} runs`, commit);
      else commit();
    };
    run(0);
  }

  private ingestOps(dir: string, event: (name: string, context?: object) => KvsOp): KvsOp[] {
    const { signed, jobspec } = (this.submitted ??= submittedJob());
    return [{ op: "put", key: `${dir}.J`, value: signed }, { op: "put", key: `${dir}.jobspec`, value: jobspec }, event("submit", { userid: 1000, urgency: 16, flags: 0, version: 1 })];
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

function commitError(service: string, errno: Errno): FluxError {
  return new FluxError(errno, `${service}: flux_kvs_commit: ${strerror(errno)}`);
}

/** The jobspec of `flux run echo 0123456789` and J, the signed jobspec: header.payload.signature, base64url ("none" signing). */
function submittedJob(): { signed: Uint8Array; jobspec: Uint8Array } {
  const jobspec = JSON.stringify({
    resources: [{ type: "slot", count: 1, with: [{ type: "core", count: 1 }], label: "task" }],
    tasks: [{ command: ["echo", "0123456789"], slot: "task", count: { per_slot: 1 } }],
    attributes: { system: { duration: 0, cwd: "/home/flux", environment: ENVIRONMENT, shell: { options: { rlimit: { core: 0 } } } } },
    version: 1,
  });
  const signed = `eyJ2ZXJzaW9uIjoxLCJtZWNoYW5pc20iOiJub25lIiwidXNlcmlkIjoxMDAwfQ.${host.btoa(jobspec).replace(/=+$/, "")}.none`;
  return { signed: encoder.encode(signed), jobspec: encoder.encode(jobspec) };
}
