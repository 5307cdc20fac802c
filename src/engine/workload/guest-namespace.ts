/**
 * A job's guest namespace as job-exec and the job shell use it (flux-core
 * src/modules/job-exec/job-exec.c, namespace.c): at init job-exec creates
 * the namespace `job-<decimal id>` and commits the symlink job.<id>.guest to
 * it in the primary namespace (ns_create_and_link, namespace_symlink);
 * job-exec and the shell append the exec eventlog and the output to it, each
 * through its own eventlogger, so a job makes about nine small commits there
 * (measured on real 0.88 here: every guest namespace of `flux submit
 * --cc=1-20 echo 0123456789` had store revision 9 in `flux module stats
 * kvs`); when the job is done, the namespace is copied into the primary one
 * at job.<id>.guest (jobinfo_finalize → ns_move → namespace_graft, a
 * flux_kvs_copy) and removed. Every guest commit stores its new root and
 * appended blobs in the same content cache as the primary's, so the guest
 * data reaches the disk (or fails to) as the primary's does, but rewrites
 * only the small guest tree.
 */
import type { Endpoint } from "../sim/bus.ts";
import type { Errno } from "../sim/errno.ts";
import type { KvsOp } from "../modules/kvs/txn.ts";
import { eventlogLine, eventTimestamp, putText } from "../common/eventlog.ts";

type Done = (errno?: Errno) => void;

/**
 * When each guest commit happens, as a fraction of the time from the start
 * event to the finish event, from `flux job eventlog -p exec` of the third
 * of six `--cc` jobs on real 0.88 (start → shell.init 23 ms of 40, shell.start
 * 28, task-exit 34, shell-exit 40). Output goes in with the event beside it.
 */
const SHELL_INIT = 0.58;
const SHELL_START = 0.7;
const TASK_EXIT = 0.84;
const SHELL_EXIT = 1;

export class GuestNamespace {
  private readonly name: string;

  constructor(
    private readonly exec: Endpoint,
    private readonly shell: Endpoint,
    private readonly dir: string,
    dothex: string,
  ) {
    this.name = `job-${BigInt(`0x${dothex.replaceAll(".", "")}`)}`;
  }

  /** Create the namespace, link it from the primary one and post init and starting; `done` once started. */
  create(done: Done): void {
    this.exec.rpc("kvs.namespace-create", { namespace: this.name }, (created) => {
      if (!created.ok) return done(created.errno);
      const link: KvsOp = { op: "link", key: `${this.dir}.guest`, treeobj: { ver: 1, type: "symlink", data: { namespace: this.name, target: "." } } };
      this.exec.rpc("kvs.commit", { ops: [link] }, (linked) => {
        if (!linked.ok) return done(linked.errno);
        this.commit(this.exec, [this.append("exec.eventlog", ["init"])], () => this.commit(this.exec, [this.append("exec.eventlog", ["starting"])], done));
      });
    });
  }

  /** The job runs `runtimeMs`: the shell posts its events and the output; `done` when the tasks have exited. */
  run(runtimeMs: number, output: string, done: Done): void {
    let failed: Errno | undefined; // the shell goes on to the end, as it would; the first failure is the job's
    const at = (fraction: number, ops: () => KvsOp[], last = false) =>
      this.shell.timer(fraction * runtimeMs, `${this.name}: shell`, () =>
        this.commit(this.shell, ops(), (errno) => {
          failed ??= errno;
          if (last) done(failed);
        }),
      );
    at(SHELL_INIT, () => [this.append("input", ["header", { version: 1, encoding: { stdin: "UTF-8" }, count: { stdin: 1 }, options: {} }])]);
    at(SHELL_INIT, () => [this.append("output", ["header", { version: 1, encoding: { stdout: "UTF-8", stderr: "UTF-8" }, count: { stdout: 1, stderr: 1 }, options: {} }])]);
    at(SHELL_INIT, () => [this.append("exec.eventlog", ["shell.init", { service: `1000-shell-${this.name}`, leader_rank: 0, size: 1 }])]);
    at(SHELL_START, () => [this.append("exec.eventlog", ["shell.start", { taskmap: { version: 1, map: [[0, 1, 1, 1]] } }])]);
    at(TASK_EXIT, () => [this.append("exec.eventlog", ["shell.task-exit", { localid: 0, rank: 0, state: "Exited", pid: 1, wait_status: 0, signaled: 0, exitcode: 0 }])]);
    // what the task printed is written when the shell exits, with both streams' ends
    const data = (context: object): [string, object] => ["data", { rank: "0", ...context }];
    at(SHELL_EXIT, () => [this.append("output", data({ stream: "stderr", eof: true }), data({ stream: "stdout", data: output }), data({ stream: "stdout", eof: true }))], true);
  }

  /** The job is over: job-exec's last events, then the graft into the primary namespace and the namespace's removal. */
  finalize(done: Done): void {
    this.commit(this.exec, [this.append("exec.eventlog", ["shell-exit", { rank: 0, wait_status: 0 }], ["complete", { status: 0 }], ["done"])], (errno) => {
      if (errno) return done(errno);
      this.exec.rpc("kvs.getroot", { namespace: this.name }, (root) => {
        if (!root.ok) return done(root.errno);
        const { rootref } = root.payload as { rootref: string };
        const graft: KvsOp = { op: "link", key: `${this.dir}.guest`, treeobj: { ver: 1, type: "dirref", data: [rootref] } };
        this.exec.rpc("kvs.commit", { ops: [graft] }, (grafted) => {
          if (!grafted.ok) return done(grafted.errno);
          this.exec.rpc("kvs.namespace-remove", { namespace: this.name }, () => done());
        });
      });
    });
  }

  private commit(h: Endpoint, ops: KvsOp[], next: Done): void {
    h.rpc("kvs.commit", { ops, namespace: this.name }, (r) => next(r.ok ? undefined : r.errno));
  }

  /**
   * One append of `entries` to the guest's `key` (exec.eventlog, input or
   * output): an eventlogger commits what was posted within its window as one
   * append, so entries posted together are one blob (measured: the exec
   * eventlog's 8 entries are 6 blobs, the output's 4 are 2).
   */
  private append(key: "exec.eventlog" | "input" | "output", ...entries: [string, object?][]): KvsOp {
    const t = eventTimestamp(this.exec.now());
    return putText(key, entries.map(([name, context]) => eventlogLine(t, name, context)).join(""), true);
  }
}
