/**
 * The simulated broker's message bus: services by topic, requests and
 * responses that carry a payload or an errno, and nothing else between
 * modules. Every module is a serial reactor, as a flux module thread is:
 * it handles one message at a time, and the virtual time it spends
 * (`work`) delays everything it sends and everything queued behind it.
 */
import { type Errno, strerror } from "./errno.ts";
import { InternalError } from "./internal-error.ts";
import type { Scheduler } from "./scheduler.ts";
import type { LogLevel, Trace, TraceEventInput } from "./trace.ts";

type SendEvent = Extract<TraceEventInput, { kind: "send" }>;
type ReplyEvent = Extract<TraceEventInput, { kind: "reply" }>;

/** Virtual time one message takes from one module to another (ms). */
export const HOP_MS = 0.01;

export interface Message {
  readonly id: number;
  readonly topic: string;
  readonly sender: string;
  readonly payload: unknown;
  readonly sentAt: number;
  responded: boolean;
}

export type Response = { ok: true; payload: unknown } | { ok: false; errno: Errno; errstr?: string };

export type Handler = (msg: Message) => void;
export type Continuation = (response: Response) => void;

/**
 * A request as its handler sees it, with what only the bus reads: who asked
 * and what to call with the answer. One object from send to answer, handed
 * to the scheduler as it is: no closure is made per message.
 */
class Request implements Message {
  responded = false;
  response: Response | undefined;

  constructor(
    readonly id: number,
    readonly topic: string,
    readonly sender: string,
    readonly payload: unknown,
    readonly sentAt: number,
    readonly endpoint: Endpoint | undefined,
    readonly onResponse: Continuation | undefined,
  ) {}
}

interface Reactor {
  readonly owner: string;
  busyUntil: number;
  /** Work that arrived while the module was busy, in arrival order: each a function, then its argument. */
  queue: unknown[];
  /** The one wake-up scheduled for when the module is free again. */
  wakeup: boolean;
}

export interface PendingRequest {
  id: number;
  topic: string;
  from: string;
  to: string;
  sentAt: number;
}

export class Bus {
  private services = new Map<string, { owner: string; handler: Handler }>();
  private reactors = new Map<string, Reactor>();
  private outstanding = new Map<number, Request>();
  private nextId = 1;
  /** The module whose handler is running, and the work it has done so far in this handler. */
  private current: { owner: string; cost: number } | undefined;

  constructor(
    readonly sched: Scheduler,
    readonly trace: Trace,
  ) {}

  endpoint(name: string): Endpoint {
    return new Endpoint(this, name);
  }

  register(owner: string, topic: string, handler: Handler): void {
    const existing = this.services.get(topic);
    if (existing) throw new Error(`${topic} is already served by ${existing.owner}`);
    this.services.set(topic, { owner, handler });
  }

  unregisterAll(owner: string): void {
    for (const [topic, service] of this.services) if (service.owner === owner) this.services.delete(topic);
  }

  /** A module instance is gone: nobody will read the answers to what it asked. */
  forget(sender: Endpoint): void {
    for (const [id, entry] of this.outstanding) if (entry.endpoint === sender) this.outstanding.delete(id);
  }

  serves(topic: string): boolean {
    return this.services.has(topic);
  }

  request(from: string, topic: string, payload: unknown, onResponse?: Continuation, note?: string, sender?: Endpoint): Message {
    const msg = new Request(this.nextId++, topic, from, payload, this.sched.now(), sender, onResponse);
    this.outstanding.set(msg.id, msg);
    const sent: SendEvent = { kind: "send", id: msg.id, topic, from };
    if (payload instanceof Uint8Array) sent.bytes = payload.length;
    if (note) sent.note = note;
    this.trace.add(sent);
    this.deliver(HOP_MS, "deliver a request", this.dispatch, msg);
    return msg;
  }

  respond(msg: Message, payload: unknown, note?: string): void {
    this.finish(msg, { ok: true, payload }, note);
  }

  respondError(msg: Message, errno: Errno, errstr?: string): void {
    this.finish(msg, { ok: false, errno, ...(errstr ? { errstr } : {}) });
  }

  /** Spend virtual time in the handler that is running now. */
  work(ms: number): void {
    if (this.current) this.current.cost += ms;
  }

  /**
   * The clock as the running handler reads it: virtual time plus the work it
   * has done so far, so that things one handler stamps one after another
   * (job-manager's events of a batch) get the distinct times a real module
   * reading clock_gettime would.
   */
  workClock(): number {
    return this.sched.now() + (this.current?.cost ?? 0);
  }

  log(source: string, level: LogLevel, text: string): void {
    this.trace.add({ kind: "log", level, source, text });
  }

  /** Requests sent and not yet answered, oldest first. */
  pending(): PendingRequest[] {
    return [...this.outstanding.values()].map((msg) => ({
      id: msg.id,
      topic: msg.topic,
      from: msg.sender,
      to: this.services.get(msg.topic)?.owner ?? "(no service)",
      sentAt: msg.sentAt,
    }));
  }

  /** Power loss: every message in flight and every reactor's queue is gone. */
  reset(): void {
    this.outstanding.clear();
    this.services.clear();
    this.reactors.clear();
    this.current = undefined;
  }

  private finish(msg: Message, response: Response, note?: string): void {
    if (msg.responded) throw new Error(`request #${msg.id} ${msg.topic} answered twice`);
    msg.responded = true;
    const entry = this.outstanding.get(msg.id);
    const reply: ReplyEvent = { kind: "reply", id: msg.id, topic: msg.topic, to: msg.sender };
    if (!response.ok) reply.errno = response.errno;
    if (note) reply.note = note;
    this.trace.add(reply);
    if (!entry) return; // the sender is gone (crash, unload): nobody is waiting
    entry.response = response;
    this.deliver(HOP_MS, "deliver a response", this.deliverResponse, entry);
  }

  private readonly dispatch = (msg: Request): void => {
    const service = this.services.get(msg.topic);
    if (!service) {
      this.respondError(msg, "ENOSYS");
      return;
    }
    this.runOn(service.owner, service.handler, msg);
  };

  private readonly deliverResponse = (msg: Request): void => {
    if (!this.outstanding.delete(msg.id) || msg.endpoint?.closed) return;
    this.runOn(msg.sender, answer, msg);
  };

  /** Run `fn(arg)` on `owner`'s reactor: after whatever it is busy with (first come, first served), charging the work it does. */
  runOn<T>(owner: string, fn: (arg: T) => void, arg?: T): void {
    const reactor = this.reactor(owner);
    if (reactor.busyUntil > this.sched.now() || reactor.queue.length > 0) {
      reactor.queue.push(fn, arg);
      this.scheduleWakeup(reactor);
      return;
    }
    this.runNow(reactor, fn, arg as T);
  }

  private runNow<T>(reactor: Reactor, fn: (arg: T) => void, arg: T): void {
    const outer = this.current;
    const now = this.sched.now();
    // a local frame: the handler may reset the bus (an instance stopping itself) while it runs
    const frame = { owner: reactor.owner, cost: 0 };
    this.current = frame;
    try {
      fn(arg);
    } catch (e) {
      throw InternalError.of(reactor.owner, e);
    } finally {
      reactor.busyUntil = now + frame.cost;
      this.current = outer;
    }
  }

  private scheduleWakeup(reactor: Reactor): void {
    if (reactor.wakeup) return;
    reactor.wakeup = true;
    this.sched.afterWith(Math.max(0, reactor.busyUntil - this.sched.now()), "a module is free again", this.wake, reactor);
  }

  private readonly wake = (reactor: Reactor): void => {
    reactor.wakeup = false;
    const next = reactor.queue.shift() as ((arg: unknown) => void) | undefined;
    const arg = reactor.queue.shift();
    if (next) this.runNow(reactor, next, arg);
    if (reactor.queue.length > 0) this.scheduleWakeup(reactor);
  };

  private deliver(delay: number, label: string, run: (msg: Request) => void, msg: Request): void {
    this.sched.afterWith(delay + (this.current?.cost ?? 0), label, run, msg);
  }

  private reactor(owner: string): Reactor {
    let reactor = this.reactors.get(owner);
    if (!reactor) this.reactors.set(owner, (reactor = { owner, busyUntil: 0, queue: [], wakeup: false }));
    return reactor;
  }
}

/** A response reaches the continuation its request was sent with. */
function answer(msg: Request): void {
  msg.onResponse?.(msg.response!);
}

/** What a module holds instead of a flux_t: its name on the bus, and the calls it may make. */
export class Endpoint {
  /** Set once the module instance holding this endpoint is unloaded or lost: its timers and pending replies go nowhere. */
  closed = false;

  constructor(
    readonly bus: Bus,
    readonly name: string,
  ) {}

  now(): number {
    return this.bus.sched.now();
  }

  serve(topic: string, handler: Handler): void {
    this.bus.register(this.name, topic, handler);
  }

  stopServing(): void {
    this.bus.unregisterAll(this.name);
  }

  /** The module is gone (unloaded or crashed): stop serving, and drop its timers and the replies it waits for. */
  close(): void {
    this.stopServing();
    this.closed = true;
    this.bus.forget(this);
  }

  rpc(topic: string, payload: unknown, onResponse?: Continuation, note?: string): Message {
    return this.bus.request(this.name, topic, payload, onResponse, note, this);
  }

  respond(msg: Message, payload: unknown = {}, note?: string): void {
    this.bus.respond(msg, payload, note);
  }

  respondError(msg: Message, errno: Errno, errstr?: string): void {
    this.bus.respondError(msg, errno, errstr);
  }

  work(ms: number): void {
    this.bus.work(ms);
  }

  /** Virtual time plus the work this module has done in the handler running now (Bus.workClock). */
  workClock(): number {
    return this.bus.workClock();
  }

  log(level: LogLevel, text: string): void {
    this.bus.log(this.name, level, text);
  }

  /** flux_log_error(): the text, a colon and the errno's strerror. */
  logError(level: LogLevel, text: string, errno: Errno): void {
    this.log(level, `${text}: ${strerror(errno)}`);
  }

  /** A one-shot timer on this module's reactor. */
  timer(delayMs: number, label: string, fn: () => void, background = false) {
    return this.bus.sched.after(delayMs, `${this.name}: ${label}`, () => !this.closed && this.bus.runOn(this.name, fn), background);
  }
}
