// A dangling checkpoint under flux-core 0.66, found by `npm run search:dangling` (random sequences,
// then minimized by deleting operations while the checkpoint still names a missing blob).
// seed: 38
// ops: 4
// fill, put, free, shutdown
scenario({ policy: "flux-0.66", disk: 786432, seed: 38 });
const EXPECT_DANGLING = true;

const synced = new Map<string, number>();
const fills: string[] = [];
/** Checkpoints found naming blobs that are not on disk (only collected, not fatal, when a dangling checkpoint is expected). */
const dangling: string[] = [];

/** Run one operation; Flux errors are expected, a hang is cut off after 5 s of virtual time. */
async function attempt(op: () => Promise<unknown>): Promise<"ok" | "failed" | "pending"> {
  let outcome: "ok" | "failed" | "pending" = "pending";
  let unexpected: unknown;
  const done = Promise.resolve()
    .then(op)
    .then(
      () => void (outcome = "ok"),
      (e: unknown) => void (e instanceof FluxError ? (outcome = "failed") : (unexpected = e)),
    );
  await Promise.race([done, sim.advance(5_000)]);
  if (unexpected) throw unexpected;
  return outcome;
}

/** The latest checkpoint names only blobs on disk (when fsck can run at all). */
async function checkCheckpoint(after: string): Promise<void> {
  let report: Awaited<ReturnType<typeof flux.fsck>> | undefined;
  await attempt(async () => (report = await flux.fsck()));
  if (!report || report.ok) return;
  const problem = "PROPERTY fsck after " + after + ": " + JSON.stringify(report.missing.map((m) => m.key));
  if (!EXPECT_DANGLING) throw new Error(problem);
  dangling.push(problem);
  log(problem);
}

/** After a start: every synced commit that succeeded is readable. */
async function checkSynced(): Promise<void> {
  for (const [key, value] of synced) {
    let got: unknown;
    await attempt(async () => (got = await kvs.get(key)));
    if (got !== value) throw new Error("PROPERTY synced " + key + "=" + value + " read back as " + JSON.stringify(got));
  }
}

async function start(): Promise<void> {
  if ((await attempt(() => flux.start())) === "ok") await checkSynced();
}

/** Shut down; an rc3 that holds or hangs is given time, then killed as an admin would. */
async function shutdown(): Promise<void> {
  if ((await attempt(() => flux.shutdown())) === "pending") flux.crash();
}

await start();
if (disk.free > 32768) fills.push(disk.fill(disk.free - 32768).name);
await checkCheckpoint("fill");
await attempt(() => kvs.put("u0", bytes(900)));
await checkCheckpoint("put");
if (fills.length > 0) disk.remove(fills.shift()!);
await checkCheckpoint("free");
await shutdown();
await checkCheckpoint("shutdown");
// the end: a restart must still see every synced commit
flux.crash();
fills.splice(0).forEach((f) => disk.remove(f));
disk.setQuota(786432);
await start();
await checkCheckpoint("the end");
expect(dangling.length).toBeGreaterThan(0);
