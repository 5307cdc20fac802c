// Lesson 7: the proposals of the ENOSPC discussion (flux-core #6236). The same story under each policy: which one keeps "big"?
// Try: "read-only", "fail-hard", "rc3-hold", "separate-checkpoint-db", "reserve-file" (upstream is Flux 0.88).
scenario({ title: "Lesson 7: the proposals", policy: "rc3-hold", disk: "2 MiB" });

const attempt = async (what: string, call: Promise<unknown>) => log(what, "→", await call.then(() => "ok", (e: Error) => e.message));

await flux.start();
await kvs.put("a", 1, { sync: true });
const filler = disk.fill(disk.free - 32 * 1024); // another consumer leaves 32 KiB
await attempt("put big", kvs.put("big", bytes(200_000)));
await sim.settle();

const shutdown = flux.shutdown(); // the admin stops the instance...
await sim.advance(5_000);
log("5 s into the shutdown the instance is", flux.state);
disk.remove(filler); // ...and frees the space
await sim.advance(5_000);
if (flux.state !== "down" && flux.state !== "failed") flux.crash(); // a shutdown still hanging is killed
log("flux start exits", (await shutdown).exitCode);

await flux.start();
await attempt("get a", kvs.get("a"));
await attempt("get big", kvs.get("big"));
log("fsck:", (await flux.fsck()).ok ? "clean" : "damaged");
