/**
 * One Flux instance's rank-0 broker: owns the bus, the disk and the modules,
 * and runs the instance lifecycle as flux-core's rc1.py / rc3.py do on rank 0.
 *
 * rc1: content (built in), content-backing (content-sqlite), fsck when a
 *      checkpoint exists (policy), kvs, the resource module's writes that
 *      come before its hwloc discovery, the startlog "start" event (a synced
 *      commit), the unclean-shutdown check, and the resource module's
 *      writes after hwloc.
 * rc3: (policy: hold while the flush fails for lack of space,) the startlog
 *      "finish" event, kvs unload (final checkpoint), content-flush,
 *      content-backing unload, content. A failing step fails
 *      rc3 and makes `flux start` exit 1; modules rc3 did not reach are
 *      reported as not properly shut down.
 */
import type { SqlJsWithFS } from "../disk/sqljs-patch.ts";
import { Disk, DUMP_DIR, type DiskFile } from "../disk/disk.ts";
import { ContentCache, type ContentCacheSnapshot } from "../modules/content/cache.ts";
import { CHECKPOINT_DB_FILE, ContentSqlite, DB_FILE, RESERVE_FILE, type ContentSqliteSnapshot } from "../modules/content-sqlite/content-sqlite.ts";
import { Kvs, type KvsSnapshot } from "../modules/kvs/kvs.ts";
import type { FluxModule } from "../modules/module.ts";
import type { Knobs } from "../policy/knobs.ts";
import { Bus, type Endpoint, type Message, type Response } from "../sim/bus.ts";
import { COSTS } from "../sim/costs.ts";
import { type Errno, errnoCode, strerror } from "../sim/errno.ts";
import { Scheduler, type ScheduledEvent } from "../sim/scheduler.ts";
import { Trace } from "../sim/trace.ts";
import { runFsck } from "../fsck/fsck.ts";
import { InstanceServices } from "../workload/instance-services.ts";
import { JobQueue } from "../workload/job-queue.ts";
import { Startlog } from "./startlog.ts";
import { runContentDump } from "./content-dump.ts";
import { restoreTarget, runRestore } from "./content-restore.ts";
import { EXIT_KILLED, EXIT_NORESTART, type InstanceKind, Systemd, TIMEOUT_STOP_MS } from "./systemd.ts";

export type InstanceState = "down" | "rc1" | "run" | "rc3" | "hold" | "failed";

export interface BrokerOptions {
  quota: number;
  knobs: Knobs;
  /** Where this instance's statedir lives in the shared in-memory FS. */
  statedir: string;
  /** "system": flux.service under systemd (exit codes 42, restarts, dumps); "test" (default): as `flux start` runs it. */
  instance?: InstanceKind;
  retainTrace?: boolean;
}

export interface BrokerSnapshot {
  t: number;
  state: InstanceState;
  kvs: KvsSnapshot | null;
  cache: ContentCacheSnapshot | null;
  backing: ContentSqliteSnapshot | null;
  disk: { quota: number; used: number; files: DiskFile[] };
}

export interface ShutdownResult {
  exitCode: number;
  errors: string[];
}

type Step = { name: string; run: (next: (errno?: Errno, text?: string) => void) => void };

export class Broker {
  readonly sched = new Scheduler();
  readonly trace: Trace;
  readonly bus: Bus;
  readonly disk: Disk;
  readonly log: Endpoint;
  private stateValue: InstanceState = "down";
  private content: ContentCache | undefined;
  private backing: ContentSqlite | undefined;
  private kvsModule: Kvs | undefined;
  /** job-manager's queue: what `flux queue` enables and disables, and what the safe mode disables. */
  readonly queue = new JobQueue();
  private loaded: FluxModule[] = [];
  /**
   * Every module instance made since the last power loss, loaded or not: a
   * crash or the end of the run must close them all (a content-sqlite whose
   * load or offline task was cut short still holds an open database).
   */
  private made = new Set<FluxModule>();
  private heartbeatTimer: ScheduledEvent | undefined;
  private rc3Errors: string[] = [];
  /** The rc3 hold's next look at the free space, and what it does then. */
  private holdPoll: { event: ScheduledEvent; run: () => void } | undefined;
  /** What `flux start` exited with the last time the instance stopped (undefined while up, or after a power loss). */
  exitCode: number | undefined;
  /** Told when the instance stops by itself (fail-hard), so whoever waits on it hears at once. */
  onHardStop: (() => void) | undefined;
  /** systemd, for a system instance: it decides after each end whether to start the broker again. */
  private readonly systemd: Systemd | undefined;
  /** The running `flux shutdown`'s answer, so that systemd's kill after TimeoutStopSec can give it. */
  private stopping: { answer: (result: ShutdownResult) => void; timeout: ScheduledEvent | undefined } | undefined;
  /** The errno of the disk's last refused write: what a module whose load failed exits with (the errno its failed syscall left). */
  private lastRefusal: Errno | undefined;
  /**
   * The content.dump attribute of this run: "auto" on a system instance (flux.service sets it), so rc3 dumps
   * the KVS into dump/; rc1 removes it when its fsck fails, so that no dump of a damaged store is written.
   */
  private dumpAtStop = false;

  constructor(
    private readonly sql: SqlJsWithFS,
    readonly options: BrokerOptions,
  ) {
    this.trace = new Trace(() => this.sched.now(), options.retainTrace ?? true);
    this.bus = new Bus(this.sched, this.trace);
    this.log = this.bus.endpoint("broker");
    this.disk = new Disk(sql, options.statedir, options.quota);
    this.disk.claim(DB_FILE, "content-sqlite");
    this.disk.claim(CHECKPOINT_DB_FILE, "checkpoint-db");
    this.disk.claim(RESERVE_FILE, "reserve");
    this.disk.claim(`${DUMP_DIR}/`, "content-dump");
    this.disk.events = {
      onRefused: (name, growth, used, errno) => {
        this.lastRefusal = errno;
        this.trace.add({ kind: "disk", op: "write-refused", path: `statedir/${name}`, bytes: growth, used, errno });
      },
      onSpaceChanged: () => this.wakeHoldPoll(),
    };
    if (options.instance === "system") this.systemd = new Systemd(this.bus);
  }

  get instance(): InstanceKind {
    return this.options.instance ?? "test";
  }

  get state(): InstanceState {
    return this.stateValue;
  }

  get knobs(): Knobs {
    return this.options.knobs;
  }

  get kvs(): Kvs | undefined {
    return this.kvsModule;
  }

  get cache(): ContentCache | undefined {
    return this.content;
  }

  /** Every layer as it is now, for the page; modules not loaded are null. Read-only. Without `files`, the disk's file list is left empty (it is the costly part). */
  snapshot(files = true): BrokerSnapshot {
    const loaded = (m: FluxModule | undefined) => m !== undefined && this.loaded.includes(m);
    return {
      t: this.sched.now(),
      state: this.stateValue,
      kvs: loaded(this.kvsModule) ? this.kvsModule!.snapshot() : null,
      cache: loaded(this.content) ? this.content!.snapshot() : null,
      backing: loaded(this.backing) ? this.backing!.snapshot() : null,
      disk: { quota: this.disk.quota, used: this.disk.used, files: files ? this.disk.files() : [] },
    };
  }

  /**
   * Where a blob is now, for drawing hash trees: dirty in the cache (not on
   * disk), on disk, or missing (a dangling reference). Read-only.
   */
  peekBlob(ref: string): { state: "dirty" | "on-disk" | "missing"; data?: Uint8Array } {
    const cached = this.content && this.loaded.includes(this.content) ? this.content.peek(ref) : undefined;
    // a blob's bytes are its hash's: a clean cached copy is what the disk holds, so the SQLite lookup (most of a hash tree's cost) is only for blobs the cache has not
    if (cached) return { state: cached.dirty ? "dirty" : "on-disk", data: cached.data };
    const stored = this.backing && this.loaded.includes(this.backing) ? this.backing.peek(ref) : undefined;
    return stored ? { state: "on-disk", data: stored } : { state: "missing" };
  }

  /** rc1. Answers once the instance runs, or with the failing step's errno and text. */
  start(done: (errno?: Errno, text?: string) => void): void {
    if (this.stateValue !== "down" && this.stateValue !== "failed") {
      done("EBUSY", `the instance is already up (state ${this.stateValue})`);
      return;
    }
    this.systemd?.cancelRestart();
    this.setState("rc1");
    this.exitCode = undefined;
    this.dumpAtStop = this.systemd !== undefined;
    // check-restore (content.restore=auto on a system instance): a dump/RESTORE link means content-sqlite loads with truncate
    const restoreFrom = this.systemd ? restoreTarget(this.disk) : undefined;
    let restored = false;
    this.startHeartbeat();
    if (!this.bus.serves("broker.fail-hard")) this.log.serve("broker.fail-hard", (msg) => this.onFailHard(msg));
    const h = (name: string) => this.bus.endpoint(name);
    this.content = this.make(new ContentCache(h("content"), this.knobs));
    this.backing = this.make(new ContentSqlite(h("content-sqlite"), this.sql, this.disk, this.knobs, restoreFrom !== undefined));
    this.kvsModule = this.make(new Kvs(h("kvs"), this.knobs));
    const startlog = new Startlog(h("startlog"));
    const services = new InstanceServices(h("resource"), h("job-manager"), this.knobs, this.queue);
    const steps: Step[] = [
      this.loadStep(this.content),
      this.loadStep(this.backing),
      ...(restoreFrom === undefined ? [] : [this.restoreStep(restoreFrom, () => (restored = true))]),
      // rc1.py: no fsck after a restore (the dump came from a clean stop)
      { name: "fsck", run: (next) => (restored ? next() : this.fsckAtStart(next)) },
      this.loadStep(this.kvsModule),
      {
        name: "job-manager",
        run: (next) => {
          this.queue.load(h("job-manager"));
          next();
        },
      },
      // the resource module's first writes beat the startlog's subprocess; its hwloc discovery does not
      { name: "resource", run: (next) => services.loadBeforeStartEvent(() => next()) },
      { name: "post-start-event", run: (next) => startlog.postStart(next) },
      { name: "check-clean-shutdown", run: (next) => startlog.checkCleanShutdown(this.log, next) },
      { name: "resource-define", run: (next) => services.loadAfterStartEvent(() => next()) },
    ];
    this.runSteps("rc1", steps, (failure) => {
      if (!failure) {
        this.setState("run");
        return done();
      }
      // rc1 failed: rc3's dump still runs (issue 18: a failed start leaves a 0-byte .tgz), then the broker
      // goes down, unloading what it loaded, as flux start does before exiting
      this.dumpAfterFailedStart(() => {
        this.unloadAllQuietly();
        this.stopHeartbeat();
        // a failed rc1 is an exit, not a crash: `flux start` exits 1, a system instance 42 (issue 18 measured both)
        this.exitCode = this.systemd ? EXIT_NORESTART : 1;
        this.setState("failed");
        done(failure.errno, failure.text);
        this.tellSystemd();
      });
    });
  }

  /** rc1's restore task: flux restore --checkpoint from the dump RESTORE names, then RESTORE unlinked. */
  private restoreStep(dumpfile: string, onRestored: () => void): Step {
    const say = (level: "info" | "err", text: string) => this.log.log(level, `rc1.0: ${text}`);
    return {
      name: "restore",
      run: (next) =>
        runRestore({ disk: this.disk, h: this.bus.endpoint("flux-restore"), say }, dumpfile, (errno, text, restored) => {
          if (restored) onRestored();
          next(errno, text);
        }),
    };
  }

  /**
   * After a failed rc1, rc3's content-dump still runs. Its content-flush does not here: after a failed restore
   * the cache holds dirty blobs whose write-back failed, and the model's flush then waits for ever (0.88's does,
   * flux-model.md §11.6), while issue 18 measured that start exit 42 (docs/system.md, Known differences).
   */
  private dumpAfterFailedStart(then: () => void): void {
    if (!this.dumpAtStop) return then();
    this.setState("rc3");
    this.runSteps("rc3", [this.contentDumpStep()], () => then());
  }

  private contentFlushStep(): Step {
    // content-flush and content-backing need a backing store (rc3.py: needs=["content-backing"])
    return { name: "content-flush", run: (next) => (this.backingLoaded() ? this.log.rpc("content.flush", {}, (r) => next(r.ok ? undefined : r.errno)) : next()) };
  }

  /** rc3's content-dump (needs_attrs content.dump): after content-flush, before content-backing unloads. */
  private contentDumpStep(): Step {
    const say = (level: "info" | "err", text: string) => this.log.log(level, `rc3.0: ${text}`);
    return { name: "content-dump", run: (next) => runContentDump({ disk: this.disk, h: this.bus.endpoint("flux-dump"), say }, next) };
  }

  /** rc3 on rank 0. Never fails: a failing step makes the exit code 1 (42 on a system instance, whatever rc3 did) and is listed in errors. */
  shutdown(done: (result: ShutdownResult) => void): void {
    if (this.stateValue !== "run") {
      done({ exitCode: 1, errors: [`flux shutdown: the instance is ${this.stateValue}`] });
      return;
    }
    this.setState("rc3");
    this.rc3Errors = [];
    const timeout = this.systemd ? this.sched.after(TIMEOUT_STOP_MS, "systemd: TimeoutStopSec", () => this.killStop()) : undefined;
    this.stopping = { answer: done, timeout };
    const startlog = new Startlog(this.bus.endpoint("startlog"));
    const services = new InstanceServices(this.bus.endpoint("resource"), this.bus.endpoint("job-manager"), this.knobs, this.queue);
    const steps: Step[] = [
      // the hold comes first: under a read-only policy even the startlog's "finish" commit needs the levels read-write again
      ...(this.knobs.rc3HoldFreeBytes > 0 ? [{ name: "hold", run: (next: () => void) => this.holdUntilFlushed(next) }] : []),
      // job-manager and resource unload while the finish event is posted: modprobe runs rc3's tasks in parallel
      { name: "post-finish-event", run: (next) => services.unload((done) => startlog.postFinish(done), next) },
      { name: "kvs", run: (next) => this.unloadModule(this.kvsModule!, next) },
      this.contentFlushStep(),
      ...(this.dumpAtStop ? [this.contentDumpStep()] : []),
      { name: "content-backing", run: (next) => (this.backingLoaded() ? this.unloadModule(this.backing!, next) : next()) },
      { name: "content", run: (next) => this.unloadModule(this.content!, next) },
    ];
    this.runSteps("rc3", steps, (failure) => {
      for (const module of this.loaded) this.log.log("err", `broker module '${module.name}' was not properly shut down`);
      for (const module of this.loaded) module.crash();
      this.loaded = [];
      this.stopHeartbeat();
      this.log.stopServing();
      // broker.exit-norestart: a stop exits 42 whether rc3 failed or not (rc3's code counts only while the exit code is 0)
      this.exitCode = this.systemd ? EXIT_NORESTART : failure || this.rc3Errors.length > 0 ? 1 : 0;
      this.setState("down");
      this.sched.cancel(this.stopping?.timeout);
      this.stopping = undefined;
      done({ exitCode: this.exitCode, errors: this.rc3Errors });
      this.tellSystemd();
    });
  }

  /** TimeoutStopSec: rc3 is still going 90 s after the stop began; systemd kills the broker (SIGKILL). */
  private killStop(): void {
    const answer = this.stopping?.answer;
    if (!answer) return;
    this.systemd!.stopTimedOut();
    this.stopNow("down");
    this.exitCode = EXIT_KILLED;
    this.stopping = undefined;
    answer({ exitCode: EXIT_KILLED, errors: [...this.rc3Errors, `killed by systemd: rc3 still running after ${TIMEOUT_STOP_MS / 1000} s (TimeoutStopSec=90)`] });
    this.onHardStop?.();
  }

  /** A system instance's broker has exited: systemd restarts it or leaves it down. */
  private tellSystemd(): void {
    if (this.systemd && this.exitCode !== undefined) this.systemd.exited(this.exitCode, () => this.restartBySystemd());
  }

  /** systemd's restart: rc1 as an admin's start would run it; how it ends is systemd's to judge again (tellSystemd). */
  private restartBySystemd(): void {
    this.start(() => {});
  }

  /**
   * Policy rc3HoldFreeBytes: before the kvs unloads, flush; while that fails
   * for lack of space, hold (flux.state "hold") and look at the statedir's
   * free space every second, as a command in rc3 would, then try again.
   */
  private holdUntilFlushed(next: () => void): void {
    const need = this.knobs.rc3HoldFreeBytes;
    // with a read-only policy too, the flush answers EROFS; once there is space, the hold makes the
    // backing store, the cache (whose step re-sends and flushes) and the kvs read-write again
    const readOnlyLevels = this.knobs.backingOnEnospc === "read-only" || this.knobs.cacheReadOnly;
    const flush = (then: (r: Response) => void) => {
      if (!readOnlyLevels) return void this.log.rpc("content.flush", {}, then);
      this.log.rpc("content-sqlite.set-readonly", { readonly: false }, () =>
        this.log.rpc("content.set-readonly", { readonly: false }, (r) => {
          if (!r.ok) return then(r);
          this.log.rpc("kvs.set-readonly", { readonly: false }, then);
        }),
      );
    };
    const attempt = () =>
      flush((r) => {
        if (r.ok || (r.errno !== "ENOSPC" && r.errno !== "EROFS")) {
          if (this.stateValue === "hold") {
            this.log.log("info", "rc3.0: hold: the content cache is flushed; continuing shutdown");
            this.setState("rc3");
          }
          return next();
        }
        if (this.stateValue !== "hold") {
          this.setState("hold");
          this.log.log("err", `rc3.0: hold: content flush failed: ${strerror(r.errno)}; waiting for ${need} bytes free in the statedir`);
        }
        poll();
      });
    const look = () => {
      this.holdPoll = undefined;
      if (this.disk.free >= need) attempt();
      else poll();
    };
    // a background timer: while the disk stays full it changes nothing, so a script that only
    // awaits the shutdown is reported stuck; wakeHoldPoll makes it count once space changes
    const poll = () => {
      this.holdPoll = { event: this.sched.after(1000, "rc3 hold: statedir free space", look, true), run: look };
    };
    attempt();
  }

  /** Space changed while rc3 holds: the next look at the free space (same time) may now let it go on. */
  private wakeHoldPoll(): void {
    const poll = this.holdPoll;
    if (!poll || poll.event.cancelled || this.disk.free < this.knobs.rc3HoldFreeBytes) return;
    this.sched.cancel(poll.event);
    this.holdPoll = { event: this.sched.after(poll.event.at - this.sched.now(), "rc3 hold: statedir free space", poll.run), run: poll.run };
  }

  /** Policy failHard: a module hit ENOSPC; the instance goes down at once, without rc3, and `flux start` exits 1. */
  private onFailHard(msg: Message): void {
    const { module, errno } = msg.payload as { module?: string; errno?: Errno };
    this.log.respond(msg, {});
    this.log.log("crit", `fail-hard: ${module ?? "?"}: ${strerror(errno ?? "EIO")}: stopping the instance now; the next start recovers from the last checkpoint`);
    this.stopNow("failed");
    // the broker's own stop is a panic: 42 under broker.exit-norestart
    this.exitCode = this.systemd ? EXIT_NORESTART : 1;
    this.onHardStop?.();
    this.tellSystemd();
  }

  /** `flux module remove content-sqlite` while running: the cache loses its backing store (dirty entries stay dirty). */
  removeBackingModule(done: (errno?: Errno, text?: string) => void): void {
    if (this.stateValue !== "run") return done("EINVAL", `the instance is ${this.stateValue}`);
    if (!this.backing || !this.loaded.includes(this.backing)) return done("ENOENT", "content-sqlite is not loaded");
    this.unloadModule(this.backing, () => done());
  }

  /** `flux module load content-sqlite` while running: register as backing store; the cache starts writing back. */
  loadBackingModule(done: (errno?: Errno, text?: string) => void): void {
    if (this.stateValue !== "run") return done("EINVAL", `the instance is ${this.stateValue}`);
    if (this.backing && this.loaded.includes(this.backing)) return done("EEXIST", "content-sqlite is already loaded");
    this.backing = this.make(new ContentSqlite(this.bus.endpoint("content-sqlite"), this.sql, this.disk, this.knobs));
    this.loadStep(this.backing).run((errno) => done(errno, errno ? `content-sqlite: ${strerror(errno)}` : undefined));
  }

  /** The broker is killed (kill -9); under systemd it is started again 30 s later (a restart already due keeps its time). */
  crash(): void {
    const wasUp = this.stateValue !== "down" && this.stateValue !== "failed";
    const due = this.systemd?.pendingRestartMs(this.sched.now());
    this.stopping = undefined;
    this.stopNow("down");
    this.exitCode = undefined;
    if (!this.systemd) return;
    if (wasUp) this.systemd.killed(() => this.restartBySystemd());
    else if (due !== undefined) this.systemd.armRestart(due, () => this.restartBySystemd());
  }

  /** Every module's memory and every message in flight are gone; the statedir keeps exactly what was written. */
  private stopNow(state: InstanceState): void {
    const files = this.disk.snapshot();
    this.crashEveryModule();
    this.disk.restore(files);
    this.sched.clear();
    this.bus.reset();
    this.heartbeatTimer = undefined;
    this.holdPoll = undefined;
    this.setState(state);
  }

  /**
   * A tool run against the statedir while the instance is down (as an admin
   * would start a recovery-mode instance): the content cache and
   * content-sqlite are loaded just for `task`, then unloaded again.
   */
  offline(task: (h: Endpoint, finished: () => void) => void, done: (errno?: Errno, text?: string) => void): void {
    if (this.stateValue !== "down" && this.stateValue !== "failed") return done("EBUSY", `the instance is ${this.stateValue}`);
    const content = this.make(new ContentCache(this.bus.endpoint("content"), this.knobs));
    const backing = this.make(new ContentSqlite(this.bus.endpoint("content-sqlite"), this.sql, this.disk, this.knobs));
    content.load(() =>
      backing.load((errno) => {
        if (errno) {
          content.crash();
          return done(errno, `content-sqlite: ${strerror(errno)}`);
        }
        task(this.bus.endpoint("flux-cli"), () => backing.unload(() => content.unload(() => done())));
      }),
    );
  }

  /** The instance is gone for good (end of a run): drop the modules and the statedir (no copy: nobody restarts it). */
  dispose(): void {
    this.crashEveryModule();
    this.sched.clear();
    this.bus.reset();
    this.disk.dispose();
  }

  private make<M extends FluxModule>(module: M): M {
    this.made.add(module);
    return module;
  }

  /** Power loss or the end of the run: every module instance loses its memory and closes what it holds (the bus is reset next). */
  private crashEveryModule(): void {
    for (const module of this.made) module.crash();
    this.made.clear();
    this.loaded = [];
  }

  private backingLoaded(): boolean {
    return this.backing !== undefined && this.loaded.includes(this.backing);
  }

  private loadStep(module: FluxModule): Step {
    return {
      name: module.name,
      run: (next) => {
        this.lastRefusal = undefined;
        module.load((errno) => {
          if (!errno) this.loaded.push(module);
          else this.logModuleExit(module.name, this.lastRefusal ?? errno);
          next(errno);
        });
      },
    };
  }

  /**
   * A module that ends with an error: its thread logs "module exiting abnormally" and the broker the errno it
   * exited with. For a load that failed on a full disk that is ENOSPC, the errno the refused write left, while
   * rc1 reports the load's own EIO (issue 18 measured both lines on flux-core 0.88).
   */
  private logModuleExit(name: string, errno: Errno): void {
    this.bus.log(name, "crit", "module exiting abnormally");
    this.log.log("err", `${name}: ${strerror(errno)}`);
  }

  private unloadModule(module: FluxModule, next: (errno?: Errno) => void): void {
    module.unload((errno) => {
      this.loaded = this.loaded.filter((m) => m !== module);
      this.made.delete(module);
      if (errno) {
        this.logModuleExit(module.name, errno);
        this.rc3Errors.push(`${module.name}: ${strerror(errno)}`);
      }
      // a module that fails to unload is still gone; rc3 goes on, as `flux module remove` failing does not stop modprobe
      next();
    });
  }

  private fsckAtStart(next: (errno?: Errno, text?: string) => void): void {
    const mode = this.knobs.fsckAtStart;
    if (mode === "off") return next();
    this.log.rpc("content.checkpoint-get", {}, (r) => {
      if (!r.ok) return next(r.errno === "ENOENT" ? undefined : r.errno); // first start: nothing to check
      // both instance kinds run rc1.py's `context.bash("flux fsck ...")`: its stdout and stderr become rc1.0's lines
      const print = (stream: "stdout" | "stderr", text: string) => this.log.log(stream === "stdout" ? "info" : "err", `rc1.0: ${text}`);
      runFsck(this.bus.endpoint("fsck"), this.knobs, { repair: mode === "repair", quiet: true, print }, (result) => {
        if (result.ok || mode === "check") return next();
        // rc1.py: a failing fsck removes content.dump, so that rc3 writes no dump of a damaged store
        this.dumpAtStop = false;
        next("EIO", "bash: exited with exit status 1");
      });
    });
  }

  /** Run rc steps in order; the first failure is logged flux's way and ends the script. */
  private runSteps(rc: "rc1" | "rc3", steps: Step[], done: (failure?: { errno: Errno; text: string }) => void): void {
    const runFrom = (i: number): void => {
      const step = steps[i];
      if (!step) return done();
      step.run((errno, text) => {
        if (!errno) return runFrom(i + 1);
        const line = `${rc}.0: ${step.name}: ${text ?? `[Errno ${errnoCode(errno)}] ${strerror(errno)}`}`;
        this.log.log("err", line);
        this.log.log("err", `${rc}.0: flux modprobe ${rc} Exited (rc=1)`);
        if (rc === "rc3") this.rc3Errors.push(line);
        done({ errno, text: line });
      });
    };
    runFrom(0);
  }

  private unloadAllQuietly(): void {
    for (const module of this.loaded.reverse()) module.crash();
    this.loaded = [];
  }

  private startHeartbeat(): void {
    this.heartbeatTimer = this.sched.after(
      COSTS.heartbeatMs,
      "heartbeat",
      () => {
        this.bus.runOn("content", () => this.content?.purge());
        this.bus.runOn("kvs", () => this.kvsModule?.heartbeat());
        this.startHeartbeat();
      },
      true,
    );
  }

  private stopHeartbeat(): void {
    this.sched.cancel(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  private setState(state: InstanceState): void {
    this.stateValue = state;
    this.trace.add({ kind: "state", subject: "broker", value: state });
  }
}
