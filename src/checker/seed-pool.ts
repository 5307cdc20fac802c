/**
 * Sequences run on other threads: a pool of lanes (Node worker threads for the CLI, check-threads.ts; Web Workers
 * for the page, src/worker/check-seed-workers.ts), each a DesignChecker of its own on a sql.js of its own, running
 * the seeds it is given one after another. The check (check-design.ts) takes their outcomes in seed order, so its
 * report is the one a single thread gives.
 */
import type { DesignCheck, DesignChecker, SequenceOutcome } from "./check-design.ts";

/** What a lane needs to build the same DesignChecker: the design and the sequences' shape. */
export type ThreadCheck = Pick<DesignCheck, "policy" | "without" | "length" | "disk">;

export type ThreadRequest = { seed: number };
export type ThreadReply = { seed: number; outcome: SequenceOutcome } | { seed: number; error: string };

/** One lane, as the pool sees it: it takes seeds and can be ended. */
export interface SeedLane {
  send(request: ThreadRequest): void;
  terminate(): unknown;
}

/** Starts a lane whose replies go to `onReply`, and whose end (a crash, an exit) to `onFailure`. */
export type StartLane = (onReply: (reply: ThreadReply) => void, onFailure: (message: string) => void) => SeedLane;

/** Sequences queued on each lane at most: one running and one ready, so a lane never waits for the next. */
const QUEUED_PER_LANE = 2;

interface Lane {
  lane: SeedLane;
  waiting: Map<number, { resolve: (o: SequenceOutcome) => void; reject: (e: Error) => void }>;
  /** Why the lane ended (it crashed, exited or never started): a seed sent to it is refused with this at once. */
  failed?: string;
}

export class SeedPool {
  private readonly lanes: Lane[];

  constructor(count: number, start: StartLane) {
    this.lanes = Array.from({ length: count }, () => SeedPool.lane(start));
  }

  /** For DesignCheck.runner: a seed goes to the lane with the fewest waiting. */
  get runner(): NonNullable<DesignCheck["runner"]> {
    return { run: (seed) => this.run(seed), inFlight: this.lanes.length * QUEUED_PER_LANE };
  }

  run(seed: number): Promise<SequenceOutcome> {
    const lane = this.lanes.reduce((a, b) => (b.waiting.size < a.waiting.size ? b : a));
    return new Promise((resolve, reject) => {
      // an ended lane answers nothing: a seed sent to it would be waited for forever
      if (lane.failed !== undefined) return reject(new Error(lane.failed));
      lane.waiting.set(seed, { resolve, reject });
      lane.lane.send({ seed });
    });
  }

  /** End every lane (what they still run is dropped). */
  async close(): Promise<void> {
    await Promise.all(this.lanes.map((l) => l.lane.terminate()));
  }

  private static lane(start: StartLane): Lane {
    const waiting: Lane["waiting"] = new Map();
    const lane = { waiting } as Lane; // its SeedLane is set below, before any reply or failure can come
    const onReply = (reply: ThreadReply) => {
      const waiter = waiting.get(reply.seed);
      waiting.delete(reply.seed);
      if ("error" in reply) waiter?.reject(new Error(reply.error));
      else waiter?.resolve(reply.outcome);
    };
    const onFailure = (message: string) => {
      lane.failed ??= message;
      for (const w of waiting.values()) w.reject(new Error(message));
      waiting.clear();
    };
    lane.lane = start(onReply, onFailure);
    return lane;
  }
}

/**
 * A lane's own side: the seeds it is sent, run one after another (never two at once: a run yields to the event loop
 * while it goes, and two would share the checker's scratch directory), each answered with its outcome.
 */
export function laneServer(checker: Promise<Pick<DesignChecker, "runSeed">>, answer: (reply: ThreadReply) => void): (request: ThreadRequest) => void {
  let queue = Promise.resolve();
  return ({ seed }) => {
    queue = queue.then(async () => {
      try {
        answer({ seed, outcome: await (await checker).runSeed(seed) });
      } catch (e) {
        answer({ seed, error: (e as Error).message });
      }
    });
  };
}
