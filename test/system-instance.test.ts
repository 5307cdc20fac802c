/**
 * The system instance (issue 18): flux.service's exit codes and systemd's restart rules in virtual time, checked
 * against what issue 18 measured on flux-core 0.88 and what etc/flux.service.in sets (flux-model.md §14).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { run } from "./helpers.ts";

/** Run a scenario and keep the bytes of every dump/ file as the run left them. */
async function runKeepingDumps(text: string): Promise<{ logs: string[]; dumps: Map<string, Uint8Array> }> {
  const dumps = new Map<string, Uint8Array>();
  const r = await run(text, {
    beforeDispose: (sim) => {
      const disk = sim.broker.disk;
      for (const f of disk.files()) if (f.name.startsWith("dump/") && f.link === undefined) dumps.set(f.name, disk.fs.readFile(disk.path(f.name)).slice());
    },
  });
  expect(r.error?.message, r.logs.join("\n")).toBeUndefined();
  return { logs: r.logs, dumps };
}

/** What GNU tar makes of an archive: `tar tzvf`, and the bytes of `paths` as `tar xzf` unpacks them. */
function gnuTar(archive: Uint8Array, paths: string[]): { listing: string[]; contents: Buffer[] } {
  const dir = mkdtempSync(join(tmpdir(), "flux-dump-"));
  try {
    const file = join(dir, "dump.tgz");
    writeFileSync(file, archive);
    const listing = execFileSync("tar", ["--numeric-owner", "--utc", "-tzvf", file], { encoding: "utf8" }).trim().split("\n");
    execFileSync("tar", ["-xzf", file, "-C", dir]);
    return { listing, contents: paths.map((path) => readFileSync(join(dir, path))) };
  } finally {
    rmSync(dir, { recursive: true });
  }
}

/** Run a scenario body after `scenario(settings)`; fail with the script's own error if it has one. */
async function runOk(settings: string, body: string): Promise<string[]> {
  const r = await run(`scenario(${settings});\n${body}`);
  expect(r.error?.message, r.logs.join("\n")).toBeUndefined();
  return r.logs;
}

describe("system instance: exit codes and systemd", () => {
  it("exits 42 after a clean flux shutdown and stays down; a test instance exits 0", async () => {
    await runOk(
      `{ instance: "system" }`,
      `await flux.start();
       const { exitCode } = await flux.shutdown();
       expect(exitCode).toBe(42);
       expect(flux.exitCode).toBe(42);
       await sim.advance(120_000);
       expect(flux.state).toBe("down");
       expect(flux.dmesg({ source: "systemd" })).toHaveLength(1);
       expect(flux.dmesg({ source: "systemd" })[0]).toContain("exit 42: not restarted");`,
    );
    await runOk(`{}`, `await flux.start(); expect((await flux.shutdown()).exitCode).toBe(0); expect(flux.dmesg({ source: "systemd" })).toEqual([]);`);
  });

  it("exits 42 after a failing rc3 too (issue 18: whether rc3 succeeds or fails)", async () => {
    await runOk(
      `{ instance: "system", disk: "4 MiB" }`,
      `await flux.start();
       disk.fill();
       await kvs.put("b", bytes(50_000));
       const { exitCode, errors } = await flux.shutdown();
       expect(errors.length).toBeGreaterThan(0);
       expect(exitCode).toBe(42);`,
    );
  });

  it("a failed start exits 42 on a system instance, 1 on a test instance, and is not restarted", async () => {
    const body = `await flux.start();
       await kvs.put("a", "before", { sync: true });
       disk.fill();
       await kvs.put("b", bytes(50_000));
       await flux.shutdown();
       await expect(flux.start()).rejects.toThrow("rc1.0: content-sqlite: [Errno 5] Input/output error");
       expect(flux.state).toBe("failed");
       await sim.advance(60_000);
       expect(flux.state).toBe("failed");
       log(flux.exitCode);
       log(flux.dmesg({ source: "systemd" }).length);`;
    expect(await runOk(`{ instance: "system", disk: "4 MiB" }`, body)).toEqual(["42", "2"]);
    expect(await runOk(`{ disk: "4 MiB" }`, body)).toEqual(["1", "0"]);
  });

  it("logs the module's abnormal exit with the errno of the refused write when a start fails on a full disk (issue 18)", async () => {
    const logs = await runOk(
      `{ disk: "4 MiB" }`,
      `await flux.start();
       disk.fill();
       await kvs.put("b", bytes(50_000));
       await flux.shutdown();
       const before = flux.dmesg().length;
       await flux.start().catch(() => {});
       for (const line of flux.dmesg().slice(before)) log(line.replace(/^\\S+ /, ""));`,
    );
    expect(logs).toEqual([
      "content-sqlite.err[0]: opening /var/lib/flux/content.sqlite: disk I/O error(10)",
      "content-sqlite.crit[0]: module exiting abnormally",
      "broker.err[0]: content-sqlite: No space left on device",
      "broker.err[0]: rc1.0: content-sqlite: [Errno 5] Input/output error",
      "broker.err[0]: rc1.0: flux modprobe rc1 Exited (rc=1)",
    ]);
  });

  it("restarts a crashed broker after 30 s of virtual time (Restart=always, RestartSec=30s), with its data", async () => {
    await runOk(
      `{ instance: "system" }`,
      `await flux.start();
       await kvs.put("a", "kept", { sync: true });
       flux.crash();
       expect(flux.exitCode).toBe(null);
       await sim.advance(29_999);
       expect(flux.state).toBe("down");
       await sim.advance(1);
       expect(flux.state).toBe("rc1");
       await sim.settle();
       expect(flux.state).toBe("run");
       expect(await kvs.get("a")).toBe("kept");
       const lines = flux.dmesg({ source: "systemd" });
       expect(lines[0]).toContain("code=killed, status=9/KILL; restarting in 30 s");
       expect(lines[1]).toContain("restarted after 30 s");`,
    );
  });

  it("an admin's start before the 30 s are up replaces systemd's restart", async () => {
    await runOk(
      `{ instance: "system" }`,
      `await flux.start();
       flux.crash();
       await sim.advance(10_000);
       await flux.start();
       await sim.advance(60_000);
       expect(flux.dmesg({ source: "systemd" }).filter((l) => l.includes("restarted after"))).toEqual([]);
       expect(flux.state).toBe("run");`,
    );
  });

  it("kills a stop still going after 90 s (TimeoutStopSec=90): exit 137, not restarted", async () => {
    await runOk(
      `{ instance: "system", policy: "rc3-hold", disk: "2 MiB" }`,
      `await flux.start();
       await kvs.put("a", 1, { sync: true });
       disk.fill(disk.free - 32 * 1024);
       await kvs.put("big", bytes(200_000));
       await sim.settle();
       const shutdown = flux.shutdown();
       await sim.advance(89_000);
       expect(flux.state).toBe("hold");
       const { exitCode, errors } = await shutdown;
       expect(exitCode).toBe(137);
       expect(errors.at(-1)).toContain("killed by systemd");
       expect(flux.state).toBe("down");
       await sim.advance(60_000);
       expect(flux.state).toBe("down");
       expect(flux.dmesg({ source: "systemd" }).at(-1)).toContain("killed after 90 s: not restarted");`,
    );
  });

  it("refuses an unknown instance kind with one line naming the allowed ones", async () => {
    const r = await run(`scenario({ instance: "prod" });`);
    expect(r.badInput).toBe(true);
    expect(r.error?.message).toBe(`scenario(): instance must be one of "test", "system", got "prod"`);
  });
});

describe("system instance: rc3's content-dump", () => {
  it("dumps the newest checkpoint into dump/<YYYYMMDD_HHMMSS>.tgz, a gzip tar that GNU tar lists and unpacks, with RESTORE linked to it", async () => {
    const { logs, dumps } = await runKeepingDumps(`scenario({ instance: "system" });
      await flux.start();
      await kvs.put("a", "inline");
      await kvs.put("dir.big", bytes(100_000, 7));
      await kvs.symlink("lnk", "a");
      await kvs.put("d1.d2.d3.d4.d5.d6.d7.d8.d9.d10.d11.d12.d13.d14.d15.d16.d17.d18.d19.d20.d21.d22.d23.d24.d25.d26.key", "deep");
      await sim.advance(5_000);
      const { exitCode } = await flux.shutdown();
      expect(exitCode).toBe(42);
      const names = disk.files().filter((f) => f.name.startsWith("dump/"));
      log(JSON.stringify(names.map(({ name, owner, link }) => ({ name, owner, link }))));
      expect(names.find((f) => f.name === "dump/RESTORE")?.bytes).toBe(0);
      log(flux.dmesg("rc3.0: dumping").map((l) => l.replace(/^\\S+ /, "")).join());`);
    expect(JSON.parse(logs[0]!)).toEqual([
      { name: "dump/20261124_000005.tgz", owner: "content-dump" },
      { name: "dump/RESTORE", owner: "content-dump", link: "20261124_000005.tgz" },
    ]);
    expect(logs[1]).toBe("broker.info[0]: rc3.0: dumping content to /var/lib/flux/dump/20261124_000005.tgz");
    const deep = "d1/d2/d3/d4/d5/d6/d7/d8/d9/d10/d11/d12/d13/d14/d15/d16/d17/d18/d19/d20/d21/d22/d23/d24/d25/d26/key";
    const tar = gnuTar(dumps.get("dump/20261124_000005.tgz")!, ["a", deep, "dir/big"]);
    // one entry per key, no directories; valrefs carry the checkpoint's time, inline values none (dump.c)
    expect(tar.listing.map((l) => l.replace(/ +/g, " "))).toEqual(
      expect.arrayContaining([
        "-rw-r--r-- 0/0 6 1970-01-01 00:00 a",
        "lrw-r--r-- 0/0 0 1970-01-01 00:00 lnk -> a",
        expect.stringMatching(/^-rw-r--r-- 0\/0 100000 2026-11-24 00:00 dir\/big$/),
        `-rw-r--r-- 0/0 4 1970-01-01 00:00 ${deep}`,
      ]),
    );
    expect(tar.listing.some((l) => l.endsWith(" admin/eventlog"))).toBe(true);
    expect(tar.listing.every((l) => !l.startsWith("d"))).toBe(true);
    const [a, deepValue, big] = tar.contents;
    expect(a!.toString()).toBe("inline");
    expect(deepValue!.toString()).toBe("deep");
    expect(big!.length).toBe(100_000);
  });

  it("does not dump after a failed content-flush (full while running, then a stop)", async () => {
    await runOk(
      `{ instance: "system", disk: "4 MiB" }`,
      `await flux.start();
       await kvs.put("a", "synced", { sync: true });
       disk.fill();
       await kvs.put("b", bytes(50_000));
       const { exitCode } = await flux.shutdown();
       expect(exitCode).toBe(42);
       expect(flux.dmesg("rc3.0: content-flush: [Errno 28] No space left on device")).toHaveLength(1);
       expect(flux.dmesg("dumping content")).toEqual([]);
       expect(disk.files().filter((f) => f.name.startsWith("dump/"))).toEqual([]);`,
    );
  });

  it("a dump that does not fit leaves a partial file, no RESTORE and 0 bytes free; the next start's rc3 leaves a 0-byte dump (issue 18)", async () => {
    const { logs, dumps } = await runKeepingDumps(`scenario({ instance: "system", disk: "8 MiB" });
      await flux.start();
      await kvs.put("big", bytes(3_000_000), { sync: true });
      disk.fill(disk.free - 1024 * 1024);
      log("free before the stop", disk.free);
      const { exitCode, errors } = await flux.shutdown();
      expect(exitCode).toBe(42);
      expect(errors.at(-1)).toBe("rc3.0: content-dump: bash: exited with exit status 1");
      expect(flux.dmesg({ source: "broker", level: "err" }).map((l) => l.replace(/^\\S+ /, ""))).toEqual([
        "broker.err[0]: rc3.0: flux-dump: Write error",
        "broker.err[0]: rc3.0: content-dump: bash: exited with exit status 1",
        "broker.err[0]: rc3.0: flux modprobe rc3 Exited (rc=1)",
        "broker.err[0]: broker module 'content' was not properly shut down",
        "broker.err[0]: broker module 'content-sqlite' was not properly shut down",
      ]);
      expect(disk.free).toBe(0);
      expect(disk.files().some((f) => f.name === "dump/RESTORE")).toBe(false);
      log("partial", disk.files().find((f) => f.name.startsWith("dump/"))?.bytes);
      await sim.advance(60_000); // an admin comes by a minute later
      await expect(flux.start()).rejects.toThrow("rc1.0: content-sqlite: [Errno 5] Input/output error");
      expect(flux.exitCode).toBe(42);
      expect(flux.dmesg("rc3.0: flux-dump: error fetching checkpoints")).toHaveLength(1);
      log(JSON.stringify(disk.files().filter((f) => f.name.startsWith("dump/")).map((f) => [f.name, f.bytes])));`);
    expect(logs[0]).toBe("free before the stop 1048576");
    const partial = Number(logs[1]!.split(" ")[1]);
    // issue 18 measured 917,504 bytes (the 1 MiB less what the WAL grew by in rc3): here what the model's WAL left
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThanOrEqual(1024 * 1024);
    expect(JSON.parse(logs[2]!)).toEqual([
      ["dump/20261124_000000.tgz", partial],
      ["dump/20261124_000100.tgz", 0],
    ]);
    // the partial file is the start of a real gzip stream (gzip -t: "unexpected end of file")
    const head = dumps.get("dump/20261124_000000.tgz")!;
    expect([head[0], head[1]]).toEqual([0x1f, 0x8b]);
  });

  it("disk.remove: dumps and RESTORE can go; content-sqlite's files only while the instance is down; a dump being written never", async () => {
    await runOk(
      `{ instance: "system" }`,
      `await flux.start();
       for (let i = 0; i < 300; i++) await kvs.put(\`k.\${i}\`, bytes(2_000, i));
       expect(() => disk.remove("content.sqlite")).toThrow("EBUSY");
       const stop = flux.shutdown();
       while (flux.dmesg("dumping content").length === 0) await sim.advance(0.05);
       const dump = disk.files().find((f) => f.name.endsWith(".tgz"))!;
       expect(() => disk.remove(dump)).toThrow(\`disk.remove: \${dump.name}: flux-dump is still writing it; wait for rc3 to finish\`);
       await stop;
       expect(disk.remove("dump/RESTORE").link).toBe(dump.name.slice(5));
       expect(disk.remove(dump.name).bytes).toBeGreaterThan(300 * 2_000);
       expect(disk.files().filter((f) => f.name.startsWith("dump/"))).toEqual([]);
       disk.remove("content.sqlite");
       expect(disk.files().map((f) => f.name)).toEqual([]);`,
    );
  });
});

describe("system instance: rc1's restore", () => {
  it("restores from RESTORE into a truncated content.sqlite, runs no fsck, removes RESTORE and keeps the .tgz; the checkpoints start again at 0", async () => {
    await runOk(
      `{ instance: "system" }`,
      `await flux.start();
       await kvs.put("a", "inline");
       await kvs.put("dir.big", bytes(100_000, 3));
       await kvs.symlink("lnk", "a");
       await kvs.put("x.y.z", { n: 1 });
       for (let i = 0; i < 5; i++) await kvs.sync();
       expect((await flux.checkpoints()).length).toBeGreaterThan(3);
       await flux.shutdown();
       await sim.advance(60_000);
       const before = flux.dmesg().length;
       await flux.start();
       const lines = flux.dmesg().slice(before);
       expect(lines.filter((l) => l.includes("restoring content from /var/lib/flux/dump/20261124_000000.tgz"))).toHaveLength(1);
       expect(lines.filter((l) => l.includes("Checking integrity"))).toEqual([]);
       expect(await kvs.get("a")).toBe("inline");
       expect(await kvs.get("dir.big")).toEqual(bytes(100_000, 3));
       expect(await kvs.get("lnk")).toBe("inline");
       expect(await kvs.get("x.y.z")).toEqual({ n: 1 });
       // the history is what this start wrote: the restore's checkpoint (sequence 0) and rc1's after it
       const checkpoints = await flux.checkpoints();
       expect(checkpoints.at(-1)!.sequence).toBe(0);
       expect(checkpoints.length).toBeLessThanOrEqual(3);
       expect(disk.files().map((f) => f.name).filter((n) => n.startsWith("dump/"))).toEqual(["dump/20261124_000000.tgz"]);
       expect((await flux.fsck()).ok).toBe(true);`,
    );
  });
});

describe("system instance: rc1's repairing fsck, damage, startlog", () => {
  it("an rc1 fsck that repairs a deleted blob fails the start with fsck's lines (exit 42) and turns off that run's dump; the next start's fsck passes (issue 18)", async () => {
    const logs = await runOk(
      `{ instance: "system" }`,
      `await flux.start();
       await kvs.put("a", "kept");
       await kvs.put("victim", bytes(1000, 3), { sync: true });
       flux.crash();
       await sim.advance(30_000);
       await sim.settle();
       await flux.shutdown();
       disk.remove("dump/RESTORE");
       expect(await disk.removeBlob("victim")).toHaveLength(1);
       const dumps = disk.files().filter((f) => f.name.endsWith(".tgz")).length;
       await sim.advance(60_000);
       const before = flux.dmesg().length;
       await expect(flux.start()).rejects.toThrow("rc1.0: fsck: bash: exited with exit status 1");
       expect(flux.exitCode).toBe(42);
       for (const line of flux.dmesg().slice(before).filter((l) => l.includes(" broker."))) log(line.replace(/^\\S+ /, ""));
       expect(disk.files().filter((f) => f.name.endsWith(".tgz")).length).toBe(dumps);
       await sim.advance(60_000);
       await flux.start();
       expect(await kvs.get("lost+found.victim")).toBe(""); // an empty value (the script never put this key: read as text)
       await expect(kvs.get("victim")).rejects.toThrow("ENOENT");
       expect(await kvs.get("a")).toBe("kept");`,
    );
    expect(logs.filter((l) => !l.startsWith("broker.debug"))).toEqual([
      "broker.info[0]: rc1.0: Checking integrity of checkpoint from 2026-11-24T00:00:30",
      "broker.err[0]: rc1.0: flux-fsck: victim: missing blobref(s)",
      "broker.err[0]: rc1.0: flux-fsck: Total errors: 1",
      "broker.err[0]: rc1.0: flux-fsck: Total repairs: 1",
      "broker.err[0]: rc1.0: fsck: bash: exited with exit status 1",
      "broker.err[0]: rc1.0: flux modprobe rc1 Exited (rc=1)",
    ]);
  });

  it("a test instance's rc1 fsck prints the same lines (both run rc1.py's `flux fsck`), and its failed start exits 1", async () => {
    const logs = await runOk(
      `{}`,
      `await flux.start();
       await kvs.put("victim", bytes(1000, 3), { sync: true });
       await flux.shutdown();
       await disk.removeBlob("victim");
       const before = flux.dmesg().length;
       await expect(flux.start()).rejects.toThrow("rc1.0: fsck: bash: exited with exit status 1");
       expect(flux.exitCode).toBe(1);
       for (const line of flux.dmesg().slice(before).filter((l) => l.includes(" broker.") || l.includes(" fsck."))) log(line.replace(/^\\S+ /, ""));
       await flux.start();
       expect(flux.dmesg(/rc1\\.0: Checking integrity/)).toHaveLength(2); // the second start's fsck runs too, and passes`,
    );
    expect(logs.filter((l) => !l.startsWith("broker.debug")).map((l) => l.replace(/from \S+$/, "from <time>"))).toEqual([
      "broker.info[0]: rc1.0: Checking integrity of checkpoint from <time>",
      "broker.err[0]: rc1.0: flux-fsck: victim: missing blobref(s)",
      "broker.err[0]: rc1.0: flux-fsck: Total errors: 1",
      "broker.err[0]: rc1.0: flux-fsck: Total repairs: 1",
      "broker.err[0]: rc1.0: fsck: bash: exited with exit status 1",
      "broker.err[0]: rc1.0: flux modprobe rc1 Exited (rc=1)",
    ]);
  });

  it("disk.removeBlob refuses while the instance is up, for an inline value and for a missing key", async () => {
    await runOk(
      `{}`,
      `await flux.start();
       await kvs.put("small", "x", { sync: true });
       await expect(disk.removeBlob("small")).rejects.toThrow("EBUSY");
       await flux.shutdown();
       await expect(disk.removeBlob("small")).rejects.toThrow("disk.removeBlob: small is stored inline in its directory: it has no blob of its own");
       await expect(disk.removeBlob("nope")).rejects.toThrow("disk.removeBlob: nope: No such file or directory");`,
    );
  });

  it("flux.startlog() prints each run as flux startlog does: crashed, start - finish (duration), running", async () => {
    const logs = await runOk(
      `{ instance: "system" }`,
      `await flux.start();
       await sim.advance(90_000);
       flux.crash();
       await sim.advance(30_000);
       await sim.settle();
       await sim.advance(150_000);
       await flux.shutdown();
       await sim.advance(10_000);
       await flux.start();
       await sim.advance(45_000);
       for (const line of await flux.startlog()) log(line);`,
    );
    expect(logs).toEqual([
      "2026-11-24 00:00 - crashed",
      "2026-11-24 00:02 - 2026-11-24 00:04 (2.5m)",
      "2026-11-24 00:04 - running (45s)",
    ]);
  });
});

