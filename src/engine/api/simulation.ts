/**
 * One scenario run: the simulated instance, its settings, and the driver that
 * moves virtual time only while the script waits for something.
 *
 * Every call of the scenario API that needs the instance becomes a waiter
 * (a reply, a broker operation, a point in virtual time, or "settled"). When
 * the script is blocked, `drive()` runs simulation events until a waiter is
 * answered. If nothing is left that could ever answer — no message in
 * flight, no timer but the periodic ones — the run is stuck, and `stuck`
 * says which request waits, sent when, to whom.
 */
import { Broker } from "../broker/broker.ts";
import type { SqlJsWithFS } from "../disk/sqljs-patch.ts";
import type { Knobs } from "../policy/knobs.ts";
import { type PolicySetting, resolvePolicy } from "../policy/presets.ts";
import type { Endpoint, Response } from "../sim/bus.ts";
import { COSTS } from "../sim/costs.ts";
import type { TraceEventInput } from "../sim/trace.ts";
import { FluxError, ScenarioInputError, strerror } from "../sim/errno.ts";
import { Prng } from "../sim/prng.ts";
import { JobWorkload } from "../workload/jobs.ts";
import type { ScenarioSettings } from "./types.ts";
import { keysOf, optionsProblem } from "./option-keys.ts";
import { formatSize, parseSize } from "./values.ts";
import { checkStatedirImage, loadStatedir, type StatedirImage } from "../disk/statedir-image.ts";
import { INSTANCE_KINDS, type InstanceKind } from "../broker/systemd.ts";

export type { ScenarioSettings };

/** Settings from outside the script (command line, page controls); they win over the script's scenario({...}). */
export interface RunOverrides {
  policy?: PolicySetting;
  seed?: number;
  disk?: string | number;
  /** The statedir to start from (the CLI's --statedir, the page's Files → Open statedir): loaded as disk.load() loads. */
  statedir?: StatedirImage;
}

export interface ResolvedSettings {
  title: string | undefined;
  quota: number;
  policy: string;
  knobs: Knobs;
  seed: number;
  instance: InstanceKind;
}

export interface SimulationOptions {
  sql: SqlJsWithFS;
  overrides?: RunOverrides;
  /** Keep every trace event in memory (the page, tests); the hash is computed either way. */
  retainTrace?: boolean;
  /** Called once, when the instance is created (after scenario({...}) had its chance): subscribe to its trace here. */
  onBroker?: (broker: Broker) => void;
}

interface Waiter {
  readonly label: string;
  readonly since: number;
  readonly site: (() => number | undefined) | undefined;
  /** For a reply waiter: the request. */
  readonly request?: { topic: string; id: number };
  /** For a time waiter: the virtual time it wakes at. */
  readonly until?: number;
  readonly settle?: boolean;
  /** Broker operations survive a crash with their own answer; requests are reset. */
  readonly onCrash: () => void;
  readonly resolve: () => void;
}

/** How one of the API's promises settled. */
export type Settlement = { ok: true; value: unknown } | { ok: false; error: unknown };

export interface PromiseObserver {
  made(promise: Promise<unknown>): void;
  settled(promise: Promise<unknown>, settlement: Settlement): void;
}


const DEFAULTS = { disk: "8 MiB", policy: "upstream" as const, seed: 1 };
/** What scenario({...}) understands, derived from its type (option-keys.ts): any other key is refused. `limit` is the runner's, read from the text before the run (run-limit.ts). */
const SETTING_KEYS = keysOf<ScenarioSettings>({ title: true, disk: true, policy: true, seed: true, limit: true, instance: true });
let instances = 0;

export class Simulation {
  private brokerValue: Broker | undefined;
  private scriptSettings: ScenarioSettings | undefined;
  private waiters = new Set<Waiter>();
  /** The waiters for a point in virtual time or for "settled": few, looked at on every step (the others can be thousands). */
  private clockWaiters = new Set<Waiter>();
  private progressed = false;
  private client: Endpoint | undefined;
  private jobWorkload: JobWorkload | undefined;
  private prngValue: Prng | undefined;
  private resolved: ResolvedSettings | undefined;
  /** Why the run cannot go on, once it is stuck. */
  stuck: string | undefined;
  /** The script line of the first call the stuck script waits for, when known (for the editor's marker). */
  stuckLine: number | undefined;
  /**
   * Where in the script the call being made now comes from (set by the API
   * layer). A thunk: the stack is captured at the call (cheap) and read
   * when the call has ended (6-20 µs measured, against hundreds for a put),
   * for its trace event: the page marks the line of the moment it shows.
   */
  currentSite: (() => number | undefined) | undefined;
  /**
   * Told of every promise the API hands the script, when it is made and when it settles (in the order they settle):
   * an engine that answers a script in another realm (src/worker/link-server.ts) settles that realm's promises so.
   */
  promises: PromiseObserver | undefined;

  constructor(readonly options: SimulationOptions) {}

  /** scenario({...}): only before anything touched the instance. */
  configure(settings: unknown): void {
    if (this.brokerValue) throw new ScenarioInputError("EINVAL", "scenario({...}) must come before any other call that uses the instance or its disk");
    if (this.scriptSettings) throw new ScenarioInputError("EINVAL", "scenario({...}) may be called only once");
    const problem = optionsProblem(settings, SETTING_KEYS, "scenario()", "setting");
    if (problem) throw new ScenarioInputError("EINVAL", problem);
    this.scriptSettings = { ...(settings as ScenarioSettings) };
    try {
      this.resolveSettings();
    } catch (e) {
      throw e instanceof FluxError ? new ScenarioInputError(e.errno, `scenario(): ${e.message}`) : e;
    }
  }

  get settings(): ResolvedSettings {
    if (this.resolved) return this.resolved;
    try {
      return this.resolveSettings();
    } catch (e) {
      throw e instanceof FluxError && !(e instanceof ScenarioInputError) ? new ScenarioInputError(e.errno, e.message) : e;
    }
  }

  get broker(): Broker {
    if (!this.brokerValue) {
      const s = this.settings;
      this.brokerValue = new Broker(this.options.sql, {
        quota: s.quota,
        knobs: s.knobs,
        instance: s.instance,
        statedir: `/sim-${++instances}/statedir`,
        retainTrace: this.options.retainTrace ?? true,
      });
      this.brokerValue.onHardStop = () => this.answerLost();
      this.client = this.brokerValue.bus.endpoint("client");
      this.jobWorkload = new JobWorkload(this.brokerValue.bus, () => this.prng, this.brokerValue.queue);
      this.options.onBroker?.(this.brokerValue);
      const opened = this.options.overrides?.statedir;
      if (opened) this.loadStatedir(opened, "--statedir");
    }
    return this.brokerValue;
  }

  /** Put a statedir's files on the disk (the instance is down), and say so in the trace: a run from another statedir is another run. */
  loadStatedir(image: StatedirImage, what: string): void {
    const disk = this.broker.disk;
    const bytes = loadStatedir(disk, image, what);
    this.broker.trace.add({ kind: "disk", op: "load", path: `statedir/${Object.keys(image).sort().join("+")}`, bytes, used: disk.used });
  }

  /** The instance if anything has made it yet (reading `broker` would make it, and scenario({...}) must come first). */
  get existingBroker(): Broker | undefined {
    return this.brokerValue;
  }

  /** The instance exists and answers a client's requests (else request() refuses them at once, ECONNREFUSED). */
  get takesRequests(): boolean {
    return this.brokerValue !== undefined && takesRequests(this.brokerValue);
  }

  /** The run's PRNG if anything has drawn from it yet (making it reads the settings: not before scenario({...})). */
  get existingPrng(): Prng | undefined {
    return this.prngValue;
  }

  get prng(): Prng {
    return (this.prngValue ??= new Prng(this.settings.seed));
  }

  get jobs(): JobWorkload {
    void this.broker;
    return this.jobWorkload!;
  }

  now(): number {
    return this.brokerValue?.sched.now() ?? 0;
  }

  dispose(): void {
    this.brokerValue?.dispose();
  }

  // --- calls the API layer makes -------------------------------------------

  /** Send a request as a client would (`flux kvs put` ...); settle with `onOk(payload)` or a FluxError "<prefix>: <strerror>". */
  request<T>(label: string, topic: string, payload: unknown, errPrefix: string, onOk: (payload: unknown) => T): Promise<T> {
    const broker = this.broker;
    if (!takesRequests(broker)) {
      const refused = new FluxError("ECONNREFUSED", `${errPrefix}: the instance is ${broker.state} (${strerror("ECONNREFUSED")}); call flux.start() first`);
      const promise = Promise.reject(refused);
      this.promises?.made(promise);
      this.promises?.settled(promise, { ok: false, error: refused });
      return promise;
    }
    return this.wait<T>(label, (settle) => {
      const started: { request?: { topic: string; id: number } } = {};
      // the client is one process: it builds and sends its requests one after another
      broker.bus.runOn("client", () => {
        broker.bus.work(COSTS.clientRequestMs);
        const msg = this.client!.rpc(topic, payload, (r: Response) => {
          if (r.ok) settle(() => onOk(r.payload));
          else settle(() => {
            throw new FluxError(r.errno, `${errPrefix}: ${strerror(r.errno)}`);
          });
        });
        started.request = { topic, id: msg.id };
      });
      return started;
    }, (settle) => settle(() => {
      throw new FluxError("ECONNRESET", `${errPrefix}: the instance went down (${strerror("ECONNRESET")})`);
    }));
  }

  /** Run a callback-style broker operation (start, shutdown, jobs, offline tools) as one waiter. */
  operation<T>(label: string, start: (answer: (result: () => T) => void) => void, onCrash: () => T): Promise<T> {
    return this.wait<T>(
      label,
      (settle) => {
        start(settle);
        return {};
      },
      (settle) => settle(onCrash),
    );
  }

  /** sim.advance(ms): wake when virtual time has moved on by `ms`, running what happens meanwhile. */
  advance(ms: number): Promise<void> {
    const until = this.now() + ms;
    return this.wait<void>(`sim.advance(${ms})`, (settle) => ({ until, resolveAt: () => settle(() => undefined) }), (settle) => settle(() => undefined));
  }

  /** sim.settle(): wake when nothing but periodic timers is left to run. */
  settle(): Promise<void> {
    return this.wait<void>("sim.settle()", (settle) => ({ settle: true, resolveAt: () => settle(() => undefined) }), (settle) => settle(() => undefined));
  }

  /** flux.crash(): power loss. Requests in flight are answered ECONNRESET; operations answer as they define. */
  crash(): void {
    this.broker.crash();
    this.answerLost();
  }

  /** The instance went down under the script's feet: everything waiting on it hears so (ECONNRESET, or the operation's own answer). */
  private answerLost(): void {
    for (const waiter of [...this.waiters]) if (waiter.until === undefined && !waiter.settle) waiter.onCrash();
  }

  // --- the driver ------------------------------------------------------------

  /** True when the script waits for the simulation. */
  hasWaiters(): boolean {
    return this.waiters.size > 0;
  }

  /**
   * Run simulation events until some waiter is answered, at most `budget`
   * events (so the caller can yield). Returns "stuck" when no event is left
   * that could answer any waiter.
   */
  drive(budget = 5000): "progress" | "stuck" | "budget" {
    const broker = this.broker;
    const sched = broker.sched;
    this.progressed = false;
    // Waiters are added only by the script, which does not run while this drives, and one answered ends the
    // drive: the earliest time waiter and whether one waits for "settled" hold for every step.
    const wake = this.earliestTimeWaiter();
    const settleWaited = this.hasSettleWaiter();
    for (let n = 0; n < budget; n++) {
      if (this.progressed) return "progress";
      const next = sched.nextAt();
      if (wake && (next === undefined || next > wake.until!)) {
        sched.advanceTo(wake.until!);
        wake.resolve();
        return "progress";
      }
      if (settleWaited && sched.idle()) {
        for (const w of [...this.clockWaiters]) if (w.settle) w.resolve();
        return "progress";
      }
      if (sched.idle() && !wake) {
        this.stuck = this.describeStuck();
        this.stuckLine = [...this.waiters].find((w) => w.until === undefined && w.site?.())?.site?.();
        return "stuck";
      }
      sched.step();
    }
    return this.progressed ? "progress" : "budget";
  }

  private wait<T>(
    label: string,
    begin: (settle: (result: () => T) => void) => { request?: { topic: string; id: number }; until?: number; settle?: boolean; resolveAt?: () => void },
    crash: (settle: (result: () => T) => void) => void,
  ): Promise<T> {
    let promise: Promise<T> | undefined;
    // an operation may answer while it begins, before its promise exists: that settlement is told once it does
    let early: Settlement | undefined;
    const told = (settlement: Settlement) => (promise ? this.promises?.settled(promise, settlement) : (early = settlement));
    promise = new Promise<T>((resolve, reject) => {
      let waiter: Waiter | undefined;
      let done = false;
      const settle = (result: () => T) => {
        if (done) return;
        done = true;
        if (waiter) {
          this.waiters.delete(waiter);
          this.clockWaiters.delete(waiter);
        }
        this.progressed = true;
        let value: T;
        try {
          value = result();
        } catch (e) {
          const line = site?.();
          if (e instanceof FluxError) e.line ??= line;
          this.traceCall(label, line, e instanceof FluxError ? e.errno : "error");
          told({ ok: false, error: e });
          reject(e);
          return;
        }
        this.traceCall(label, site?.(), "ok");
        told({ ok: true, value });
        resolve(value);
      };
      const site = this.currentSite;
      const started = begin(settle);
      if (done) return;
      waiter = {
        label,
        since: this.now(),
        site,
        // a request is sent once the client is free, so its id is known only then
        get request() {
          return started.request;
        },
        until: started.until,
        settle: started.settle === true,
        onCrash: () => crash(settle),
        resolve: started.resolveAt ?? (() => {}),
      };
      this.waiters.add(waiter);
      if (waiter.until !== undefined || waiter.settle) this.clockWaiters.add(waiter);
    });
    this.promises?.made(promise);
    if (early) this.promises?.settled(promise, early);
    return promise;
  }

  /** Record a call of the script and how it ended, so the console and the timeline can show it. */
  traceCall(call: string, line: number | undefined, outcome: string): void {
    const event: Extract<TraceEventInput, { kind: "api" }> = { kind: "api", call, outcome };
    if (line) event.line = line;
    this.broker.trace.add(event);
  }

  private earliestTimeWaiter(): Waiter | undefined {
    let best: Waiter | undefined;
    for (const w of this.clockWaiters) if (w.until !== undefined && (!best || w.until < best.until!)) best = w;
    return best;
  }

  private hasSettleWaiter(): boolean {
    for (const w of this.clockWaiters) if (w.settle) return true;
    return false;
  }

  private describeStuck(): string {
    const at = (t: number) => `${t.toFixed(3)} ms`;
    const waiting = [...this.waiters]
      .filter((w) => w.until === undefined)
      .map((w) => `${w.label}${w.site?.() ? ` (line ${w.site()})` : ""}${w.request ? ` — ${w.request.topic} #${w.request.id}` : ""}, waiting since ${at(w.since)}`);
    const open = this.broker.bus
      .pending()
      .map((p) => `${p.topic} #${p.id} from ${p.from} to ${p.to}, sent at ${at(p.sentAt)}`);
    return (
      `stuck at ${at(this.now())}: the script waits for ${waiting.join("; ")}, and nothing left in the simulation can answer it ` +
      `(no message in flight, no timer but the periodic ones).` +
      (open.length ? ` Requests still open inside the instance: ${open.join("; ")}.` : "")
    );
  }

  private resolveSettings(): ResolvedSettings {
    const script = this.scriptSettings ?? {};
    const overrides = this.options.overrides ?? {};
    const policy = resolvePolicy(overrides.policy ?? script.policy ?? DEFAULTS.policy);
    const seed = overrides.seed ?? script.seed ?? DEFAULTS.seed;
    if (!Number.isInteger(seed)) throw new FluxError("EINVAL", `seed must be an integer, got ${JSON.stringify(seed)}`);
    const quota = parseSize(overrides.disk ?? script.disk ?? DEFAULTS.disk, "disk");
    if (quota < 64 * 1024) throw new FluxError("EINVAL", `disk: ${formatSize(quota)} is too small for a statedir; use at least 64 KiB`);
    if (overrides.statedir) checkStatedirImage(overrides.statedir, "--statedir");
    const instance = script.instance ?? "test";
    if (!INSTANCE_KINDS.includes(instance)) throw new FluxError("EINVAL", `instance must be one of ${INSTANCE_KINDS.map((k) => JSON.stringify(k)).join(", ")}, got ${JSON.stringify(instance)}`);
    this.resolved = { title: script.title, quota, policy: policy.name, knobs: policy.knobs, seed, instance };
    return this.resolved;
  }
}

/** Whether a client's request reaches the instance: it runs, or is in rc3 or held there. */
function takesRequests(broker: Broker): boolean {
  return broker.state === "run" || broker.state === "rc3" || broker.state === "hold";
}
