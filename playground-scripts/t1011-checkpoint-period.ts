// flux-core t1011-kvs-checkpoint-period.t: kvs.checkpoint-period checkpoints by itself,
// so data written before the last periodic checkpoint survives a crash.
scenario({ title: "t1011: checkpoint period", policy: { preset: "upstream", checkpointPeriodMs: 1000 } });

await flux.start();
const start = (await flux.checkpoints()).length;
await kvs.put("periodic", "written before the period ends");
await sim.advance(1500);
const after = await flux.checkpoints();
expect(after.length).toBe(start + 1);
expect(after[0]!.rootref).toBe((await kvs.getroot()).rootref);

// no change: no new checkpoint
await sim.advance(3000);
expect((await flux.checkpoints()).length).toBe(start + 1);

await kvs.put("late", "after the last periodic checkpoint");
flux.crash();
await flux.start();
expect(await kvs.get("periodic")).toBe("written before the period ends");
await expect(kvs.get("late")).rejects.toThrow("ENOENT");
