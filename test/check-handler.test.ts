/**
 * The page's Check as its engine worker runs it (src/worker/check-handler.ts): bad input is one line and nothing
 * runs; progress comes after every sequence; a stop sent while it runs ends it after the sequence it is in, with
 * what was found so far; the report is the CLI's checker's for the same policy and number of sequences.
 */
import { describe, expect, it } from "vitest";
import { DesignChecker } from "../src/checker/check-design.ts";
import { loadSqlJs } from "../src/engine/disk/sqljs-node.ts";
import { checkInWorker } from "../src/worker/check-handler.ts";
import type { CheckRequest, WorkerReply } from "../src/worker/protocol.ts";
import { checkReply } from "../src/ui/reply-check.ts";

const sqlReady = loadSqlJs();

async function check(request: Omit<CheckRequest, "type" | "id">, onReply: (r: WorkerReply) => void = () => {}): Promise<WorkerReply[]> {
  const replies: WorkerReply[] = [];
  await checkInWorker({ type: "check", id: 1, ...request }, { sql: await sqlReady }, (r) => {
    replies.push(checkReply(r)); // every reply is one the page accepts
    onReply(r);
  });
  return replies;
}

describe("the page's Check in its worker", () => {
  it.each([
    [{ policy: "nope", runs: 2 }, /unknown policy "nope"/],
    [{ policy: '{"preset":"upstream","colour":1}', runs: 2 }, /unknown policy knob "colour"/],
    [{ policy: "{nope", runs: 2 }, /does not parse/],
    [{ policy: "upstream", runs: 0 }, /whole number from 1 to 10000, not 0/],
    [{ policy: "upstream", runs: 2.5 }, /whole number from 1 to 10000, not 2.5/],
  ])("bad input %j is one line, and nothing runs", async (request, message) => {
    const replies = await check(request);
    expect(replies).toHaveLength(1);
    const [reply] = replies;
    expect(reply?.type === "check-result" && !reply.outcome.ok && reply.outcome.problem).toMatch(message);
  });

  it("reports progress after each sequence and the CLI checker's report", async () => {
    const replies = await check({ policy: "read-only", runs: 2 });
    expect(replies.filter((r) => r.type === "check-progress").map((r) => r.type === "check-progress" && r.progress.done)).toEqual([1, 2]);
    const last = replies.at(-1);
    const cli = await new DesignChecker(await sqlReady, { policy: "read-only", runs: 2 }).run();
    expect(last?.type === "check-result" && last.outcome).toEqual({ ok: true, report: cli });
  }, 120_000);

  it("a stop sent while it runs ends it after the sequence it is in, keeping what was found", async () => {
    const replies = await check({ policy: "read-only", runs: 50 }, (r) => {
      if (r.type === "check-progress" && r.progress.done === 1) void checkInWorker({ type: "check-stop" }, undefined as never, () => {});
    });
    const last = replies.at(-1);
    expect(last?.type === "check-result" && last.outcome.ok && { sequences: last.outcome.report.sequences, stopped: last.outcome.report.stopped }).toEqual({ sequences: 1, stopped: true });
  }, 120_000);
});
