/**
 * The designs of #6236 that are not presets of their own knobs alone: the job queue and the safe mode, the read-only
 * flag of each level set and cleared from a script, and a backing store that starts read-only.
 */
import { describe, expect, it } from "vitest";
import { run } from "./helpers.ts";

const ok = async (text: string) => {
  const r = await run(text);
  expect(r.error?.message).toBeUndefined();
  return r;
};

describe("flux.queue", () => {
  it("disables and enables job submission as flux queue does; a refused job costs two commits (ingest, then its removal)", async () => {
    await ok(`
      await flux.start();
      expect(await flux.queue("disable", "maintenance")).toEqual({ enabled: false, reason: "maintenance" });
      const before = (await kvs.getroot()).sequence;
      await expect(jobs.submit(1)).rejects.toThrow("flux run: job submission is disabled: maintenance");
      await expect(jobs.submit(3, { atOnce: true })).rejects.toThrow("flux submit: job submission is disabled: maintenance");
      await sim.settle();
      expect((await kvs.getroot()).sequence - before).toBeGreaterThanOrEqual(4);
      await expect(kvs.ls("job")).resolves.toBeDefined(); // the directories above the removed jobs stay, as in Flux
      expect(await flux.queue("enable")).toEqual({ enabled: true });
      expect((await jobs.submit(1)).ids).toHaveLength(1);
    `);
  });

  it("refuses an unknown action, a disable without a reason and a reason for enable, with one line each", async () => {
    for (const [call, message] of [
      [`flux.queue("stop")`, `flux queue: unknown action "stop"; known: "enable", "disable", "status"`],
      [`flux.queue("disable")`, "flux queue disable: reason is required for disable"],
      [`flux.queue("enable", "why")`, "flux queue enable: takes no reason"],
    ]) {
      const r = await run(`await flux.start(); await ${call};`);
      expect(r.error?.message).toContain(message);
    }
  });

  it("is enabled again at the next start (the model does not restore job-manager's saved queue state)", async () => {
    await ok(`
      await flux.start();
      await flux.queue("disable", "x");
      await flux.shutdown();
      await flux.start();
      expect(await flux.queue("status")).toEqual({ enabled: true });
    `);
  });
});

describe("per-level read-only flags", () => {
  it("each level set read-only answers EROFS where it should, and clearing it writes back what stayed dirty", async () => {
    await ok(`
      await flux.start();
      await flux.setReadOnly("kvs", true);
      await expect(kvs.put("a", 1)).rejects.toThrow("Read-only file system");
      await flux.setReadOnly("kvs", false);
      await flux.setReadOnly("content-sqlite", true);
      await kvs.put("b", 2); // cached; its write-back fails with EROFS
      await sim.settle();
      await expect(content.flush()).rejects.toThrow("Read-only file system");
      await flux.setReadOnly("content-sqlite", false);
      await flux.setReadOnly("content", true);
      await expect(kvs.put("c", 3)).rejects.toThrow();
      await flux.setReadOnly("content", false);
      await kvs.put("d", 4, { sync: true });
    `);
  });

  it("refuses an unknown level and a flag that is not a boolean", async () => {
    let r = await run(`await flux.start(); await flux.setReadOnly("disk", true);`);
    expect(r.error?.message).toContain(`flux.setReadOnly: level is one of "content-sqlite", "content", "kvs", got "disk"`);
    r = await run(`await flux.start(); await flux.setReadOnly("kvs", 1);`);
    expect(r.error?.message).toContain("flux.setReadOnly: readOnly must be true or false, got 1");
  });

  it("a backing store that starts read-only cannot start an instance: rc1's start event is a synced commit", async () => {
    // garlick in #6236: "a way to start with a read-only backing store would also be useful for recovery"; as Flux's
    // rc1 is, the startlog's start event needs a checkpoint, so rc1 fails; the statedir is left as it was
    const r = await run(`
      scenario({ policy: { preset: "upstream", backingStartsReadOnly: true } });
      await flux.start();
    `);
    expect(r.error?.message).toBe("flux start: rc1.0: post-start-event: Error committing start event: Read-only file system");
  });
});
