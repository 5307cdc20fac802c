/**
 * jobs.submit(n, { atOnce: true }): jobs submitted together as `flux submit
 * --cc=1-n` submits them, run `cores` at a time, with job-ingest's and
 * job-manager's commit batches and a guest namespace per job.
 */
import { describe, expect, it } from "vitest";
import { run } from "./helpers.ts";

async function logsOf(script: string): Promise<string[]> {
  const result = await run(script, { retainTrace: false });
  expect(result.error).toBeUndefined();
  return result.logs;
}

describe("jobs submitted at once", () => {
  it("every job completes with what Flux writes: its eventlog, R, and its guest namespace grafted at job.<id>.guest", async () => {
    const [line] = await logsOf(`
scenario({ disk: "64 MiB" });
await flux.start();
const { ids, output } = await jobs.submit(6, { atOnce: true });
const names = [];
for (const id of ids) {
  names.push((await kvs.get("job." + id + ".eventlog")).split("\\n").filter(Boolean).map((l) => JSON.parse(l).name).join(","));
  expect(await kvs.ls("job." + id)).toEqual(["J", "R", "eventlog", "guest", "jobspec"]);
  expect(await kvs.ls("job." + id + ".guest")).toEqual(["exec", "input", "output"]);
  const exec = (await kvs.get("job." + id + ".guest.exec.eventlog")).split("\\n").filter(Boolean).map((l) => JSON.parse(l).name);
  expect(exec).toEqual(["init", "starting", "shell.init", "shell.start", "shell.task-exit", "shell-exit", "complete", "done"]);
  expect(await kvs.get("job." + id + ".guest.output")).toContain('"data":"0123456789\\\\n"');
}
log(ids.length, new Set(names).size, names[0], output.join("").length, JSON.stringify(Object.keys((await flux.stats("kvs")).namespace)));
`);
    // the guest namespaces are gone once grafted
    expect(line).toBe('6 1 submit,validate,depend,priority,alloc,start,finish,release,free,clean 66 ["primary"]');
  });

  it("runs as many at a time as there are cores: fewer cores, longer", async () => {
    const script = (cores: number) => `
scenario({ disk: "64 MiB" });
await flux.start();
const t = sim.now();
await jobs.submit(8, { atOnce: true, cores: ${cores}, runtimeMs: 100 });
log(Math.round(sim.now() - t));
`;
    const [one] = await logsOf(script(1));
    const [two] = await logsOf(script(2));
    const [eight] = await logsOf(script(8));
    // run times vary from 50 to 150 ms: 8 jobs on one core take at least 400 ms, on eight cores about one job's time
    expect(Number(one)).toBeGreaterThan(400);
    expect(Number(two)).toBeLessThan(Number(one) * 0.75);
    expect(Number(eight)).toBeLessThan(Number(two) * 0.6);
  });

  it("batches what job-ingest and job-manager write: a wider window, fewer primary commits", async () => {
    const script = (batchMs: number) => `
scenario({ disk: "64 MiB" });
await flux.start();
const before = (await kvs.getroot()).sequence;
await jobs.submit(20, { atOnce: true, batchMs: ${batchMs} });
log((await kvs.getroot()).sequence - before);
`;
    const [none] = await logsOf(script(0));
    const [flux] = await logsOf(script(10));
    const [wide] = await logsOf(script(200));
    expect(Number(flux)).toBeLessThan(Number(none));
    expect(Number(wide)).toBeLessThan(Number(flux));
  });

  it("a commit refused (read-only kvs) fails the submit with the kvs's errno, and the jobs after it never start", async () => {
    const [line, after] = await logsOf(`
scenario({ policy: "read-only", disk: "2 MiB" });
await flux.start();
const filler = disk.fill(disk.free - 48 * 1024);
await kvs.put("big", bytes(200_000)); // its write-back fails: the backing store and the cache go read-only
await sim.settle();
await expect(jobs.submit(5, { atOnce: true })).rejects.toThrow("flux_kvs_commit: Read-only file system");
log(flux.state, (await kvs.ls("job").catch((e) => [e.errno])).join());
disk.remove(filler);
await flux.readWrite();
log((await jobs.submit(2, { atOnce: true })).ids.length);
`);
    expect(line).toBe("run ENOENT");
    expect(after).toBe("2");
  });

  it("40 jobs at once on 4 MiB, as issue #19 ran them: all complete, flush and sync fail at once, rc3 fails, a restart on 64 MiB keeps none of them", async () => {
    const [line] = await logsOf(`
scenario({ disk: "4 MiB" });
await flux.start();
await kvs.put("synced", 1);
const done = [...(await jobs.submit(20, { atOnce: true })).ids, ...(await jobs.submit(20, { atOnce: true })).ids];
await sim.settle(); // the last write-backs answered
const pairs = flux.dmesg("content store: No space left on device").length;
const errs = flux.dmesg("store: executing stmt").length;
await expect(content.flush()).rejects.toThrow("content.flush: No space left on device");
await expect(kvs.put("x", 1, { sync: true })).rejects.toThrow("flux_kvs_commit: No space left on device");
const { exitCode } = await flux.shutdown();
disk.setQuota("64 MiB");
await flux.start();
const jobsLeft = await kvs.ls("job").catch((e) => e.errno);
log(done.length, pairs === errs && pairs > 1000, exitCode, jobsLeft, await kvs.get("synced").catch((e) => e.errno), (await flux.fsck()).ok);
`);
    expect(line).toBe("40 true 1 ENOENT ENOENT true");
  });

  it.each([
    ["cores: 0", "jobs.submit: cores must be a whole number from 1 to 1000, got 0"],
    ["cores: 1.5", "jobs.submit: cores must be a whole number from 1 to 1000, got 1.5"],
    ['cores: "2"', 'jobs.submit: cores must be a whole number from 1 to 1000, got "2"'],
    ["batchMs: -1", "jobs.submit: batchMs must be a number from 0 to 1000, got -1"],
    ["batchMs: NaN", "jobs.submit: batchMs must be a number from 0 to 1000, got NaN"],
    ["batchMs: 5000", "jobs.submit: batchMs must be a number from 0 to 1000, got 5000"],
    ['atOnce: "yes"', 'jobs.submit: atOnce must be true or false, got "yes"'],
    ["concurrency: 2", "jobs.submit: atOnce and concurrency cannot be combined (atOnce runs as many at a time as there are cores)"],
  ])("refuses %s with one line, and loses nothing", async (option, message) => {
    const [line] = await logsOf(`
await flux.start();
await kvs.put("keep", 1);
await expect(jobs.submit(3, { atOnce: true, ${option} })).rejects.toThrow(${JSON.stringify(message)});
log(await kvs.get("keep"), (await jobs.submit(1, { atOnce: true })).ids.length);
`);
    expect(line).toBe("1 1");
  });

  it.each([["cores: 2"], ["batchMs: 10"]])("refuses %s without atOnce", async (option) => {
    const result = await run(`await flux.start();\nawait jobs.submit(1, { ${option} });`);
    expect(result.error?.message).toBe(`jobs.submit: ${option.split(":")[0]} applies only with atOnce: true`);
  });
});

describe("kvs guest namespaces (the kvs module's messages)", () => {
  it("create, commit, getroot and remove as kvs.c answers them: EEXIST, EOPNOTSUPP for an unknown one, EINVAL for a sync commit or removing primary", async () => {
    const answers: string[] = [];
    const result = await run(`await flux.start();\nawait sim.settle();\n`, {
      onBroker: (broker) => {
        let sent = false;
        broker.trace.onEvent((e) => {
          if (sent || e.kind !== "state" || e.subject !== "kvs.root") return;
          sent = true;
          const h = broker.bus.endpoint("test");
          const ask = (what: string, topic: string, payload: unknown, then?: () => void) =>
            h.rpc(topic, payload, (r) => {
              answers.push(`${what} ${r.ok ? JSON.stringify(r.payload) : r.errno}`);
              then?.();
            });
          const put = { op: "put", key: "a", value: new TextEncoder().encode("1") };
          // the kvs answers once it has loaded: these wait in its reactor until then
          ask("create", "kvs.namespace-create", { namespace: "job-1" }, () => {
            ask("again", "kvs.namespace-create", { namespace: "job-1" });
            ask("commit", "kvs.commit", { ops: [put], namespace: "job-1" }, () => {
              ask("getroot", "kvs.getroot", { namespace: "job-1" }, () => {
                ask("sync", "kvs.commit", { ops: [put], namespace: "job-1", sync: true });
                ask("primary", "kvs.namespace-remove", { namespace: "primary" });
                ask("remove", "kvs.namespace-remove", { namespace: "job-1" }, () => ask("gone", "kvs.commit", { ops: [put], namespace: "job-1" }));
              });
            });
          });
        });
      },
    });
    expect(result.error).toBeUndefined();
    const maskRootref = (line: string) => line.replace(/"rootref":"sha1-[0-9a-f]{40}"/, '"rootref":"sha1-…"');
    expect(answers.map(maskRootref)).toEqual([
      "create {}",
      "again EEXIST",
      'commit {"rootref":"sha1-…","sequence":1}',
      'getroot {"rootref":"sha1-…","sequence":1}',
      "sync EINVAL",
      "primary EINVAL",
      "remove {}",
      "gone EOPNOTSUPP",
    ]);
  });
});
