// flux-core t1012-kvs-checkpoint.t: every key written before the last checkpoint is
// readable after a restart, whatever happened after it.
scenario({ title: "t1012: kvs checkpoint on sync and at unload" });

await flux.start();
const values: Record<string, string> = {};
for (let i = 0; i < 20; i++) {
  values[`dir${i % 4}.key${i}`] = `value ${i}`;
  await kvs.put(`dir${i % 4}.key${i}`, `value ${i}`);
}
await kvs.sync();
const synced = await kvs.getroot();

await kvs.put("dir0.unsynced", "lost in the crash");
flux.crash();
await flux.start();
for (const [key, value] of Object.entries(values)) expect(await kvs.get(key)).toBe(value);
await expect(kvs.get("dir0.unsynced")).rejects.toThrow("ENOENT");
// rc1 advances the sequence past the checkpoint, as in flux-model.md §13 C: the resource module
// commits resource.R again and rewrites resource.eventlog, then come the startlog's synced
// "start" event and the resource-define event
expect((await kvs.getroot()).sequence).toBe(synced.sequence + 4);
expect(flux.dmesg("Flux was not shut down properly")).toHaveLength(1);

// a clean shutdown checkpoints at kvs unload
await kvs.put("dir1.clean", "kept by the unload checkpoint");
expect((await flux.shutdown()).exitCode).toBe(0);
await flux.start();
expect(await kvs.get("dir1.clean")).toBe("kept by the unload checkpoint");
expect(flux.dmesg("Flux was not shut down properly")).toHaveLength(1);
expect(await kvs.ls("dir1")).toEqual(["clean", "key1", "key13", "key17", "key5", "key9"]);
