/**
 * The CLI's statedir options: --save-statedir writes the run's statedir files as the quota filesystem holds them,
 * --statedir starts a run from a statedir (one the engine saved, or one real flux-core wrote), and bad ones are
 * one line on stderr with exit 2.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "statedir-cli-"));
let n = 0;

function cli(text: string, ...args: string[]) {
  const file = join(dir, `s${++n}.ts`);
  writeFileSync(file, text);
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/scenario.ts", file, ...args], { encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const READ = `await flux.start();\nlog(await kvs.get("greeting"), (await kvs.get("big")).length, (await flux.fsck()).ok);\n`;

describe("npm run scenario --save-statedir / --statedir", () => {
  it("saves the statedir at the end, and a later run starts from it", () => {
    const saved = join(dir, "saved");
    const first = cli(`await flux.start();\nawait kvs.put("greeting", "hello");\nawait kvs.put("big", bytes(300000));\nawait flux.shutdown();\n`, "--save-statedir", saved);
    expect(first.code).toBe(0);
    // a clean shutdown checkpoints the WAL into the database and removes it, as SQLite does under Flux
    expect(readdirSync(saved)).toEqual(["content.sqlite"]);
    expect(first.stderr).toContain(`--save-statedir: wrote content.sqlite to ${saved}`);
    const second = cli(READ, "--statedir", saved);
    expect(second.stdout).toContain("hello 300000 true");
    expect(second.code).toBe(0);
  });

  it("a run that ends with the instance up saves its WAL too, and an old WAL in DIR does not stay beside a new database", () => {
    const saved = join(dir, "up");
    mkdirSync(saved);
    writeFileSync(join(saved, "content.sqlite-wal"), "stale");
    expect(cli(`await flux.start();\nawait kvs.put("greeting", "hi", { sync: true });\n`, "--save-statedir", saved).code).toBe(0);
    expect(readdirSync(saved).sort()).toEqual(["content.sqlite", "content.sqlite-wal"]);
    expect(readFileSync(join(saved, "content.sqlite-wal")).readUInt32BE(0)).toBe(0x377f0682);
    const r = cli(`await flux.start();\nlog(await kvs.get("greeting"));\n`, "--statedir", saved);
    expect(r.stdout).toContain("hi");
  });

  it("a system instance's clean stop saves its dump under dump/ with the RESTORE link to it, and a stale RESTORE goes", () => {
    const saved = join(dir, "system");
    mkdirSync(join(saved, "dump"), { recursive: true });
    symlinkSync("19990101_000000.tgz", join(saved, "dump", "RESTORE"));
    const r = cli(`scenario({ instance: "system" });\nawait flux.start();\nawait kvs.put("greeting", "hello");\nawait flux.shutdown();\n`, "--save-statedir", saved);
    expect(r.code).toBe(0);
    const dumps = readdirSync(join(saved, "dump")).filter((name) => name.endsWith(".tgz"));
    expect(dumps).toHaveLength(1);
    expect(dumps[0]).toMatch(/^\d{8}_\d{6}\.tgz$/);
    expect(readlinkSync(join(saved, "dump", "RESTORE"))).toBe(dumps[0]);
    const tgz = readFileSync(join(saved, "dump", dumps[0]!));
    expect([tgz[0], tgz[1]]).toEqual([0x1f, 0x8b]); // gzip
    expect(spawnSync("tar", ["tzf", join(saved, "dump", dumps[0]!)], { encoding: "utf8" }).stdout).toContain("greeting");
    expect(r.stderr).toContain(`dump/RESTORE -> ${dumps[0]}`);
  });

  it("starts from a statedir real flux-core 0.88 wrote (its data in the WAL)", () => {
    const killed = new URL("./fixtures/real-statedir-0.88/killed/", import.meta.url);
    const copy = join(dir, "killed");
    mkdirSync(copy);
    for (const name of readdirSync(killed)) copyFileSync(new URL(name, killed), join(copy, name));
    const r = cli(`await flux.start();\nlog(await kvs.get("synced"));\n`, "--statedir", copy);
    expect(r.stdout).toContain("yes");
    expect(r.code).toBe(0);
  });

  it("refuses a missing directory, one without a database, and a file that is not one, with one line and exit 2", () => {
    const missing = cli(READ, "--statedir", join(dir, "nowhere"));
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim().split("\n")).toHaveLength(1);
    expect(missing.stderr).toContain("--statedir");
    const empty = join(dir, "empty");
    mkdirSync(empty);
    expect(cli(READ, "--statedir", empty).stderr).toMatch(/no content\.sqlite/);
    const bad = join(dir, "bad");
    mkdirSync(bad);
    writeFileSync(join(bad, "content.sqlite"), "not a database");
    const notDb = cli(READ, "--statedir", bad);
    expect(notDb.code).toBe(2);
    expect(notDb.stderr).toMatch(/content\.sqlite is not an SQLite database/);
    const walOnly = join(dir, "wal-only");
    mkdirSync(walOnly);
    writeFileSync(join(walOnly, "content.sqlite-wal"), "");
    expect(cli(READ, "--statedir", walOnly).stderr).toMatch(/content\.sqlite is missing/);
  });

  it("a statedir bigger than the disk is ENOSPC naming both sizes", () => {
    const killed = new URL("./fixtures/real-statedir-0.88/killed/", import.meta.url).pathname;
    const r = cli(`scenario({ disk: "512 KiB" });\nawait flux.start();\n`, "--statedir", killed);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/the statedir's files \(865208 bytes\) do not fit on the 524288-byte statedir/);
  });
});
