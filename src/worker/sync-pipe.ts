/**
 * A synchronous channel over a SharedArrayBuffer, between a script's realm without an engine and the engine's
 * worker (engine-link.ts, link-server.ts). The two take turns owning the buffer: the owner writes a message (in
 * chunks, if it is larger than the buffer, each acknowledged) and hands the buffer over. The realm blocks in
 * Atomics.wait until its request is answered: the scenario API's reads answer at once (design §3), so nothing
 * else could carry them. The engine's worker must not block for long: it hears Stop and sends the run's frames
 * from its event loop. It blocks a millisecond for the next request (a script calls again within microseconds),
 * then waits with Atomics.waitAsync, and it yields to its event loop at least every YIELD_MS while requests keep
 * coming. Only where the page is cross-origin isolated (a SharedArrayBuffer can be shared): public/coi-sw.js.
 */
import { concatBytes } from "../engine/common/bytes.ts";
import { decodeValue, encodeValue } from "./link-codec.ts";
import type { Exchange } from "./engine-link.ts";
import type { LinkAnswer } from "./link-protocol.ts";
import type { ScriptListener } from "./replayed-run.ts";
import { BadScriptMessage } from "./script-protocol.ts";

const OWNER = 0;
const LENGTH = 1;
const MORE = 2;
const HEADER_BYTES = 3 * 4;
const REALM = 0;
const ENGINE = 1;
type Side = typeof REALM | typeof ENGINE;

/** The buffer's room for one chunk: most requests and answers are a few hundred bytes; a big value goes in pieces. */
export const CHUNK_BYTES = 1 << 20;
/** The largest message the engine takes from a realm: a put of the largest value a script may make (MAX_BYTES), and its JSON. */
const MAX_MESSAGE_BYTES = 1.25 * 1024 * 1024 * 1024;
/** How long the engine's worker blocks for the realm's next request before it waits without blocking. */
const BLOCK_MS = 1;
/** The engine's worker goes back to its event loop at least this often. */
const YIELD_MS = 16;

// taken before the script runs: a script that replaces Atomics' functions changes nothing of this channel's
const { wait, notify, store, load } = Atomics;
/** Atomics.waitAsync (ES2024; in Chromium and Node 16+), which this project's TypeScript library does not declare. */
type WaitAsync = (ta: Int32Array, index: number, value: number, timeout?: number) => { async: false; value: "not-equal" | "timed-out" } | { async: true; value: Promise<"ok" | "timed-out"> };
const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

export function pipeBuffer(chunkBytes = CHUNK_BYTES): SharedArrayBuffer {
  return new SharedArrayBuffer(HEADER_BYTES + chunkBytes);
}

class PipeEnd {
  protected readonly ctl: Int32Array;
  protected readonly data: Uint8Array;

  constructor(
    buffer: SharedArrayBuffer,
    protected readonly me: Side,
  ) {
    this.ctl = new Int32Array(buffer, 0, 3);
    this.data = new Uint8Array(buffer, HEADER_BYTES);
  }

  protected get other(): Side {
    return this.me === REALM ? ENGINE : REALM;
  }

  protected owned(): boolean {
    return load(this.ctl, OWNER) === this.me;
  }

  /** Write the next chunk of `bytes` from `at`, hand the buffer over; returns where the next chunk starts. */
  protected writeChunk(bytes: Uint8Array, at: number): number {
    const n = Math.min(this.data.length, bytes.length - at);
    this.data.set(bytes.subarray(at, at + n));
    store(this.ctl, LENGTH, n);
    store(this.ctl, MORE, at + n < bytes.length ? 1 : 0);
    this.handOver();
    return at + n;
  }

  protected handOver(): void {
    store(this.ctl, OWNER, this.other);
    notify(this.ctl, OWNER);
  }

  /** The chunk the other side handed over (a copy: the buffer is shared), and whether more follow. */
  protected readChunk(): { bytes: Uint8Array; more: boolean } {
    const n = load(this.ctl, LENGTH);
    if (!(n >= 0 && n <= this.data.length)) throw new BadScriptMessage(`a chunk of ${n} bytes in a buffer of ${this.data.length}`);
    return { bytes: this.data.slice(0, n), more: load(this.ctl, MORE) === 1 };
  }
}

/** The realm's end: it sends first, and blocks for every answer. */
export class RealmEnd extends PipeEnd {
  constructor(buffer: SharedArrayBuffer) {
    super(buffer, REALM);
  }

  send(bytes: Uint8Array): void {
    for (let at = 0; ; ) {
      at = this.writeChunk(bytes, at);
      if (at >= bytes.length) return;
      this.block(); // the engine took the chunk
    }
  }

  receive(): Uint8Array {
    const chunks: Uint8Array[] = [];
    for (;;) {
      this.block();
      const { bytes, more } = this.readChunk();
      chunks.push(bytes);
      if (!more) return concatBytes(chunks);
      this.handOver(); // the acknowledgement: the engine writes the next chunk
    }
  }

  private block(): void {
    while (!this.owned()) wait(this.ctl, OWNER, this.other);
  }
}

/** The engine worker's end: it answers, and waits without holding its event loop for long. */
export class EngineEnd extends PipeEnd {
  private closed = false;
  private lastYield = performance.now();

  constructor(buffer: SharedArrayBuffer) {
    super(buffer, ENGINE);
  }

  /** No more waiting: the run ended (a wait in progress ends within its slice). */
  close(): void {
    this.closed = true;
  }

  /** The realm's next request, or undefined once closed. */
  async receive(): Promise<Uint8Array | undefined> {
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      if (!(await this.turn())) return undefined;
      const { bytes, more } = this.readChunk();
      chunks.push(bytes);
      total += bytes.length;
      if (total > MAX_MESSAGE_BYTES) throw new BadScriptMessage(`a message of more than ${MAX_MESSAGE_BYTES} bytes`);
      if (!more) return concatBytes(chunks);
      this.handOver();
    }
  }

  /** Answer the request just received; false if the run ended meanwhile. */
  async send(bytes: Uint8Array): Promise<boolean> {
    for (let at = 0; ; ) {
      at = this.writeChunk(bytes, at);
      if (at >= bytes.length) return true;
      if (!(await this.turn())) return false;
    }
  }

  /** Wait until the realm hands the buffer over: a short block, then without blocking; false once closed. */
  private async turn(): Promise<boolean> {
    if (performance.now() - this.lastYield > YIELD_MS) await this.yieldToEventLoop();
    if (!this.owned()) wait(this.ctl, OWNER, REALM, BLOCK_MS);
    while (!this.closed && !this.owned()) {
      const waiting = waitAsync(this.ctl, OWNER, REALM, 250);
      if (waiting.async) await waiting.value;
      this.lastYield = performance.now();
    }
    return !this.closed;
  }

  private async yieldToEventLoop(): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 0));
    this.lastYield = performance.now();
  }
}

/** Answer the realm's requests one by one (the engine's side: listener.answer) until the run ends. */
export async function serveLink(end: EngineEnd, listener: ScriptListener): Promise<void> {
  try {
    for (;;) {
      const bytes = await end.receive();
      if (!bytes) return;
      const answer = listener.answer(decodedOrNull(bytes));
      if (!answer || !(await end.send(encodeValue(answer)))) return;
    }
  } catch (e) {
    listener.failed(String((e as Error)?.message ?? e));
  }
}

/** The request as sent, or null (refused as any request that is not one is) for bytes that are not a value. */
function decodedOrNull(bytes: Uint8Array): unknown {
  try {
    return decodeValue(bytes);
  } catch {
    return null;
  }
}

/** The realm's requests over its end: each sent, then its answer waited for. */
export function realmExchange(end: RealmEnd): Exchange {
  return {
    ask: (request) => {
      end.send(encodeValue(request));
      return decodeValue(end.receive()) as LinkAnswer;
    },
    post: (request) => end.send(encodeValue(request)),
  };
}
