// flux-core t0035-content-sqlite-checkpoint.t: checkpoints survive a restart and are
// listed newest first; upstream keeps the 5 newest.
scenario({ title: "t0035: checkpoint history" });

await flux.start();
for (let i = 1; i <= 7; i++) await kvs.put(`k${i}`, i, { sync: true });
const list = await flux.checkpoints();
expect(list).toHaveLength(5);
const sequences = list.map((c) => c.sequence);
expect(sequences).toEqual([...sequences].sort((a, b) => b - a)); // newest first
const root = await kvs.getroot();
expect(list[0]!.sequence).toBe(root.sequence);
expect(list[0]!.rootref).toBe(root.rootref);

const result = await flux.shutdown();
expect(result.exitCode).toBe(0);
// while down, the list is read from the statedir: the newest is the unload checkpoint, three
// commits later (before the kvs unloads, rc3 saves job-manager's state, checkpoints the resource
// module's drain state with a synced commit, and appends the startlog's "finish" event)
const down = await flux.checkpoints();
expect(down[0]!.sequence).toBe(root.sequence + 3);
expect(down[1]!.sequence).toBeGreaterThan(root.sequence); // the drain state's synced commit

await flux.start();
expect(await kvs.get("k7")).toBe(7);
expect(flux.dmesg("restored KVS from checkpoint")).toHaveLength(1); // the first start had no checkpoint to restore
