/**
 * Every message from an engine worker is checked before the page draws from it: a schema per message type, and
 * bounds on what a run may pile up in the page (a log line's length, the console's total, the number of events and
 * frames). The engine's worker is the page's own code and the scenario cannot reach it (src/worker/), so a message
 * that fails is a bug, not an attack — but a message of the wrong shape threw while it was drawn and left Run
 * disabled until a reload. One that fails here is one clear error, and the page stays usable.
 */
import { MAX_CONSOLE_CHARS, MAX_LOG_LINE } from "../engine/api/console-line.ts";
import type { WorkerReply } from "../worker/protocol.ts";
import { each } from "../engine/common/each.ts";
import { PROMISES } from "../checker/promises.ts";

/** A run's history in the page: past these it is not a run the page can draw, whatever sent it. */
export const MAX_EVENTS = 5_000_000;
export const MAX_FRAMES = 5_000_000;
/** A cut line ends with "… (N more characters)"; the console's last line says it is full. */
const MAX_LINE = MAX_LOG_LINE + 64;

export class BadReply extends Error {
  constructor(what: string) {
    super(`the engine sent the page a message it does not understand (${what}): nothing of it is shown`);
  }
}

type Check = (value: unknown) => boolean;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const str: Check = (v) => typeof v === "string";
const num: Check = (v) => typeof v === "number" && Number.isFinite(v);
const int: Check = (v) => Number.isInteger(v);
const bool: Check = (v) => typeof v === "boolean";
const opt =
  (check: Check): Check =>
  (v) =>
    v === undefined || check(v);
const orNull =
  (check: Check): Check =>
  (v) =>
    v === null || check(v);
const line: Check = (v) => typeof v === "string" && v.length <= MAX_LINE;
const arrayOf =
  (check: Check): Check =>
  (v) =>
    Array.isArray(v) && each(v, check);
/** A record with these fields (others are ignored: nothing reads them). */
const shape = (fields: Record<string, Check>): Check => {
  const checks = Object.entries(fields);
  return (v) => isRecord(v) && checks.every(([key, check]) => check(v[key]));
};

const EVENT_FIELDS: Record<string, Record<string, Check>> = {
  send: { id: int, topic: str, from: str, bytes: opt(num), note: opt(str) },
  reply: { id: int, topic: str, to: str, errno: opt(str), note: opt(str) },
  log: { level: str, source: str, text: str },
  disk: { op: str, path: str, bytes: num, used: num, errno: opt(str) },
  state: { subject: str, value: str },
  api: { call: str, outcome: str, line: opt(int) },
  console: { text: line, line: opt(int) },
};
const EVENT_SHAPES = new Map(Object.entries(EVENT_FIELDS).map(([kind, fields]) => [kind, shape(fields)]));
const isEvent: Check = (v) => isRecord(v) && num(v.t) && EVENT_SHAPES.get(v.kind as string)?.(v) === true;

const isFile = shape({ name: str, bytes: num, owner: str });
const isFrame = shape({
  i: int,
  t: num,
  state: str,
  kvs: orNull(shape({ sequence: int, rootref: str, readOnly: bool, commitQueue: int })),
  checkpoint: orNull(shape({ sequence: int, rootref: str })),
  cache: orNull(shape({ count: int, dirty: int, dirtyBytes: num, size: num, flushWaiters: int, stranded: int, readOnly: bool, flushErrno: orNull(str) })),
  backing: orNull(shape({ readOnly: bool, lastErrno: orNull(str), closed: opt((v) => v === true) })),
  disk: shape({ quota: num, used: num, files: arrayOf(isFile) }),
});
const TREE_KINDS = ["dir", "val", "valref", "symlink", "truncated"];
const TREE_STATES = ["dirty", "on-disk", "missing", "inline"];
/** A tree node and its children, to the depth a tree can have (the recorder stops at 160 nodes). */
const isTree = (v: unknown, depth = 200): boolean =>
  isRecord(v) &&
  str(v.name) &&
  orNull(str)(v.ref) &&
  TREE_KINDS.includes(v.kind as string) &&
  TREE_STATES.includes(v.state as string) &&
  (v.children === undefined || (depth > 0 && Array.isArray(v.children) && each(v.children, (c) => isTree(c, depth - 1))));
const isTrees: Check = (v) => isRecord(v) && Object.values(v).every((t) => isTree(t));

const isError = shape({ message: str, errno: opt(str), line: opt(int), limitMs: opt(num) });
const isSummary = shape({ logs: arrayOf(line), traceHash: (v) => typeof v === "string" && /^([0-9a-f]{16})?$/.test(v), events: int, disk: shape({ quota: num, used: num }), state: str, policy: str, seed: num });
const isResult: Check = (v) => isSummary(v) && shape({ ok: bool, error: opt(isError), badInput: opt(bool), cutShort: opt(bool) })(v);
const isStatedirName: Check = (v) => typeof v === "string" && /^((content|checkpoint)\.sqlite(-wal|-shm)?|dump\/\d{8}_\d{6}\.tgz)$/.test(v);
const isStatedir = arrayOf(shape({ name: isStatedirName, size: int }));
const isRun: Check = shape({ type: (v) => v === "result", id: int, result: isResult, events: arrayOf(isEvent), frames: arrayOf(isFrame), trees: isTrees, ms: num, statedir: opt(isStatedir) });
const isOutcome = shape({
  policy: str,
  knobs: arrayOf(str),
  script: str,
  calls: arrayOf(shape({ line: opt(int), call: str, outcome: str })),
  state: str,
  exitCode: orNull(int),
  lost: arrayOf(str),
  restart: str,
  fsck: str,
  verdicts: shape({ synced: str, jobs: str, up: str, human: str, waits: str }),
  dmesg: arrayOf(str),
  diskUsed: num,
  diskQuota: num,
  traceHash: str,
});

/** A check's report: the promises by name, a counterexample's script and message bounded (a script of CHECK_LENGTH lines is some 8 KB). */
const MAX_CHECK_TEXT = 200_000;
const boundedText =
  (max: number): Check =>
  (v) =>
    typeof v === "string" && v.length <= max;
const isPromiseName: Check = (v) => typeof v === "string" && (PROMISES as readonly string[]).includes(v);
const isBroken: Check = (v) => v === "error" || isPromiseName(v);
const isCheckProgress = shape({ done: int, runs: int, shrinking: opt(shape({ broken: isBroken, ops: int })) });
const isCounterexample = shape({
  seed: int,
  broken: isBroken,
  message: boundedText(MAX_CHECK_TEXT),
  ops: (v) => Array.isArray(v) && v.length <= 1_000 && each(v, (o) => isRecord(o) && str(o.op)),
  originalLength: int,
  script: boundedText(MAX_CHECK_TEXT),
});
const isCheckReport = shape({
  policy: line,
  promises: arrayOf(isPromiseName),
  notMade: arrayOf(isPromiseName),
  sequences: int,
  stopped: bool,
  failure: opt(isCounterexample),
});
const isCheckOutcome: Check = (v) => shape({ ok: (o) => o === true, report: isCheckReport })(v) || shape({ ok: (o) => o === false, problem: line })(v);

const REPLIES: Record<WorkerReply["type"], Check> = {
  ready: () => true,
  chunk: shape({ id: int, events: arrayOf(isEvent), frames: arrayOf(isFrame), trees: isTrees, summary: opt(isSummary) }),
  restart: shape({ id: int }),
  end: shape({ id: int, result: isResult, ms: num, statedir: opt(isStatedir) }),
  "compare-progress": shape({ id: int, done: int, total: int, policy: str }),
  "compare-result": shape({ id: int, outcomes: arrayOf(isOutcome), runs: (v) => isRecord(v) && Object.values(v).every(isRun) }),
  "check-progress": shape({ id: int, progress: isCheckProgress }),
  "check-result": shape({ id: int, outcome: isCheckOutcome }),
  "statedir-bytes": shape({ id: int, bytes: (v) => v === null || v instanceof Uint8Array, problem: opt(line) }),
  "export-result": shape({ id: int, result: (v) => shape({ ok: (o) => o === true, test: str, steps: int, quota: num })(v) || shape({ ok: (o) => o === false, problems: arrayOf(str) })(v) }),
};

/** What a run has piled up in the page so far: the bounds hold over all of its messages together. */
export class RunBudget {
  private events = 0;
  private frames = 0;
  private consoleChars = 0;

  /** Count a chunk's events and frames in; throws BadReply past a bound. */
  take(events: readonly { kind: string; text?: string }[], frames: number): void {
    this.events += events.length;
    this.frames += frames;
    for (const e of events) if (e.kind === "console") this.consoleChars += e.text!.length;
    if (this.events > MAX_EVENTS) throw new BadReply(`more than ${MAX_EVENTS} events in one run`);
    if (this.frames > MAX_FRAMES) throw new BadReply(`more than ${MAX_FRAMES} frames in one run`);
    // the engine stops taking lines at its cap; one line of the cap's own may follow it
    if (this.consoleChars > MAX_CONSOLE_CHARS + 2 * MAX_LINE) throw new BadReply(`more than ${MAX_CONSOLE_CHARS} characters of console in one run`);
  }
}

/** The reply, if it is one the page understands; throws BadReply (with what is wrong) if not. */
export function checkReply(value: unknown, budget?: RunBudget): WorkerReply {
  try {
    return checkedReply(value, budget);
  } catch (e) {
    // a value that even throws while looked at (a getter, an inherited field) is one of the wrong shape too
    throw e instanceof BadReply ? e : new BadReply(`a message that could not be read: ${(e as Error)?.message}`);
  }
}

function checkedReply(value: unknown, budget?: RunBudget): WorkerReply {
  if (!isRecord(value) || typeof value.type !== "string" || !Object.hasOwn(REPLIES, value.type)) throw new BadReply("a message of no known type");
  if (!REPLIES[value.type as WorkerReply["type"]](value)) throw new BadReply(`a ${value.type} message of the wrong shape`);
  const reply = value as unknown as WorkerReply;
  if (reply.type === "chunk") budget?.take(reply.events, reply.frames.length);
  if (reply.type === "end") {
    const logged = reply.result.logs.reduce((n, l) => n + l.length, 0);
    if (logged > MAX_CONSOLE_CHARS + 2 * MAX_LINE) throw new BadReply(`a result with more than ${MAX_CONSOLE_CHARS} characters of console`);
  }
  if (reply.type === "compare-result") for (const run of Object.values(reply.runs)) new RunBudget().take(run.events, run.frames.length);
  return reply;
}
