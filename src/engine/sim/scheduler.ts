/**
 * The virtual clock and the event queue: the only notion of time in the
 * engine. Events run in (time, insertion order); nothing here reads a wall
 * clock, so a run replays exactly.
 */
export interface ScheduledEvent {
  readonly at: number;
  readonly seq: number;
  readonly label: string;
  /** Background events (heartbeats, periodic timers) keep running forever, so they do not count as "work left". */
  readonly background: boolean;
  readonly run: (arg: never) => void;
  /** What `run` is called with: a message delivery passes its message, not a closure made for it. */
  readonly arg: unknown;
  cancelled: boolean;
}

export class Scheduler {
  private heap: ScheduledEvent[] = [];
  private seq = 0;
  private foreground = 0;
  private nowMs = 0;

  now(): number {
    return this.nowMs;
  }

  /** Run `run` after `delayMs` of virtual time. */
  after(delayMs: number, label: string, run: () => void, background = false): ScheduledEvent {
    return this.afterWith(delayMs, label, run, undefined, background);
  }

  /** Run `run(arg)` after `delayMs` of virtual time. */
  afterWith<T>(delayMs: number, label: string, run: (arg: T) => void, arg: T, background = false): ScheduledEvent {
    if (!(delayMs >= 0)) throw new RangeError(`negative or NaN delay ${delayMs} for ${label}`);
    const event: ScheduledEvent = { at: this.nowMs + delayMs, seq: this.seq++, label, background, run, arg, cancelled: false };
    this.push(event);
    if (!background) this.foreground++;
    return event;
  }

  cancel(event: ScheduledEvent | undefined): void {
    if (!event || event.cancelled) return;
    event.cancelled = true;
    if (!event.background) this.foreground--;
  }

  /** True when only background events (or nothing) are left: nothing more will happen unless someone acts. */
  idle(): boolean {
    return this.foreground === 0;
  }

  /** Time of the next event that will run, or undefined when the queue is empty. */
  nextAt(): number | undefined {
    this.dropCancelled();
    return this.heap[0]?.at;
  }

  /** Run the next event. Returns false when there is none. */
  step(): boolean {
    this.dropCancelled();
    const event = this.pop();
    if (!event) return false;
    if (!event.background) this.foreground--;
    event.cancelled = true;
    this.nowMs = event.at;
    (event.run as (arg: unknown) => void)(event.arg);
    return true;
  }

  /** Move the clock forward to `t` (no event may be skipped: the caller ran everything before it). */
  advanceTo(t: number): void {
    const next = this.nextAt();
    if (next !== undefined && next < t) throw new Error(`advanceTo(${t}) would skip an event at ${next}`);
    if (t > this.nowMs) this.nowMs = t;
  }

  /** Forget every event (power loss): the clock keeps its time. */
  clear(): void {
    for (const event of this.heap) event.cancelled = true;
    this.heap = [];
    this.foreground = 0;
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && this.heap[0]!.cancelled) this.pop();
  }

  private before(a: ScheduledEvent, b: ScheduledEvent): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  // Both sifts move a hole instead of swapping pairs: each event is written once where it lands.
  private push(event: ScheduledEvent): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(event);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(event, heap[parent]!)) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = event;
  }

  private pop(): ScheduledEvent | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length > 0 && last) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = l;
        if (l >= heap.length) break;
        if (r < heap.length && this.before(heap[r]!, heap[l]!)) m = r;
        if (!this.before(heap[m]!, last)) break;
        heap[i] = heap[m]!;
        i = m;
      }
      heap[i] = last;
    }
    return top;
  }
}
