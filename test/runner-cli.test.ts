/**
 * The headless runner's contract (design.md §3): exit 0 / 1 / 2, one line of
 * JSON with --json, a clear line on stderr for bad input, a wall-clock limit
 * that stops a runaway loop, an immediate report when the script waits for a
 * reply that can never come, and the same trace hash in every process.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const dir = mkdtempSync(join(tmpdir(), "scenario-cli-"));
let n = 0;

function cli(text: string | undefined, ...args: string[]) {
  const file = text === undefined ? join(dir, "missing.ts") : join(dir, `s${++n}.ts`);
  if (text !== undefined) writeFileSync(file, text);
  const started = Date.now();
  const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/scenario.ts", file, ...args], { encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started, file };
}

describe("npm run scenario", () => {
  it("exits 0 and prints logs and a summary when the script runs to the end", () => {
    const r = cli(`await flux.start();\nawait kvs.put("a", "hello");\nlog("got", await kvs.get("a"));\n`);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("got hello");
    expect(r.stdout).toMatch(/ok: .* ran to the end/);
  });

  it("--json prints exactly one JSON object on one line", () => {
    const r = cli(`scenario({ disk: "1 MiB" });\nawait flux.start();\nlog("x");\n`, "--json");
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const out = JSON.parse(lines[0]!);
    expect(Object.keys(out).sort()).toEqual(["disk", "events", "logs", "ok", "state", "traceHash"]);
    expect(out).toMatchObject({ ok: true, logs: ["x"], state: "run", disk: { quota: 1024 * 1024 } });
    expect(out.traceHash).toMatch(/^[0-9a-f]{16}$/);
    expect(out.events).toBeGreaterThan(10);
  });

  it("exits 1 with the line of a failed expect", () => {
    const r = cli(`await flux.start();\n\nexpect(1 + 1).toBe(3);\n`, "--json");
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.ok).toBe(false);
    expect(out.error).toMatchObject({ line: 3 });
    expect(out.error.message).toContain("expected 2 to be 3");
  });

  it("exits 1 with errno and line when a call's error escapes the script", () => {
    const r = cli(`scenario({ disk: "1 MiB" });\nawait flux.start();\ndisk.fill();\nawait kvs.put("x", bytes(200000));\nawait content.flush();\n`, "--json");
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error).toEqual({ message: "content.flush: No space left on device", errno: "ENOSPC", line: 5 });
  });

  it("exits 2 with one line for a syntax error", () => {
    const r = cli(`await flux.start();\nconst x = ;\n`);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/s\d+\.ts:2: syntax error/);
  });

  it("exits 2 for a missing file, an unknown --policy, or an unknown policy in scenario()", () => {
    const missing = cli(undefined);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("no such file");
    const flag = cli(`await flux.start();\n`, "--policy", "nope");
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('unknown policy "nope"');
    const inScript = cli(`scenario({ policy: "nope" as never });\nawait flux.start();\n`);
    expect(inScript.code).toBe(2);
    expect(inScript.stderr).toContain('unknown policy "nope"');
  });

  it("ends quietly when its reader stops early (| head)", () => {
    const file = join(dir, "many-lines.ts");
    writeFileSync(file, `for (let i = 0; i < 20000; i++) log("line " + i);\n`);
    const r = spawnSync("sh", ["-c", `"${process.execPath}" --import tsx src/cli/scenario.ts "${file}" | head -1`], { encoding: "utf8", timeout: 60_000 });
    expect(r.stdout).toBe("line 0\n");
    expect(r.stderr).toBe("");
  });

  it("stops a loop that never yields at the time limit", () => {
    const r = cli(`log("before");\nwhile (true) {}\n`, "--timeout-ms", "1500", "--json");
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.error.message).toMatch(/stopped after 1\.5 s of wall-clock time, the run limit; raise it with .* --timeout-ms, inside a stretch of the script that never awaited the simulation/);
    expect(r.ms).toBeLessThan(15_000);
  });

  it("keeps the logs, trace, instance state and disk of a run stopped at the time limit", () => {
    const r = cli(`scenario({ disk: "2 MiB" });\nawait flux.start();\nawait kvs.put("a", bytes(3000));\nlog("before the loop");\nwhile (true) {}\n`, "--timeout-ms", "5000", "--json");
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.error.message).toMatch(/stopped after 5 s of wall-clock time/);
    expect(out).toMatchObject({ ok: false, cutShort: true, logs: ["before the loop"], state: "run", disk: { quota: 2 * 1024 * 1024 } });
    expect(out.events).toBeGreaterThan(40);
    expect(out.disk.used).toBeGreaterThan(0);
    expect(out.traceHash).toMatch(/^[0-9a-f]{16}$/);
  });

  it("fails on an unhandled rejection with its line, keeping what the run did", () => {
    const r = cli(`await flux.start();\nPromise.reject(new Error("x"));\nawait kvs.put("a", 1);\nlog("not reached");\n`, "--json");
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.error).toEqual({ message: "unhandled rejection: x", line: 2 });
    expect(out).toMatchObject({ logs: [], state: "run" });
    expect(out.cutShort).toBeUndefined(); // it ended by itself: the same text ends the same way anywhere
    expect(out.events).toBeGreaterThan(10);
  });

  it("shows a thrown non-Error's value, on its line", () => {
    for (const [value, shown] of [["{ weird: true }", '{"weird":true}'], ["42", "42"], ['"text"', '"text"']] as const) {
      const out = JSON.parse(cli(`log("a");\nif (1 > 0)\n  throw ${value};\n`, "--json").stdout);
      expect(out.error).toEqual({ message: shown, line: 3 });
      expect(out.logs).toEqual(["a"]);
    }
  });

  it("says at once which request a stuck script waits for, instead of running out the clock", () => {
    const text = [
      `scenario({ disk: "4 MiB" });`,
      `await flux.start();`,
      `const filler = disk.fill();`,
      `await kvs.put("big", bytes(100000));`,
      `await sim.settle();`,
      `disk.remove(filler);`,
      `await kvs.put("small", 1);`, // a store succeeds: the remembered errno is cleared
      `await sim.settle();`,
      `await kvs.put("d", 4, { sync: true });`, // waits forever for the stranded blob
    ].join("\n");
    const r = cli(text, "--json");
    expect(r.code).toBe(1);
    const { message, line } = JSON.parse(r.stdout).error as { message: string; line: number };
    expect(line).toBe(9);
    expect(message).toMatch(/^stuck at [\d.]+ ms: the script waits for kvs\.put\("d", sync\) \(line 9\) — kvs\.commit #\d+/);
    expect(message).toMatch(/content\.flush #\d+ from content to content, sent at/);
    expect(r.ms).toBeLessThan(15_000);
  });

  it("gives the same trace hash in separate processes, and a different one for another seed", () => {
    const text = `await flux.start();\nfor (let i = 0; i < 20; i++) await kvs.put("k" + i, bytes(500));\nawait kvs.sync();\n`;
    const hash = (...args: string[]) => JSON.parse(cli(text, "--json", ...args).stdout).traceHash as string;
    const a = hash("--seed", "7");
    expect(hash("--seed", "7")).toBe(a);
    expect(hash("--seed", "8")).not.toBe(a);
  });

  it.each([
    ["scenario", "FILE", /--timeout-ms N +wall-clock limit/],
    ["compare", "FILE", /--timeout-ms N +wall-clock limit/],
    ["check-design", "", /--runs N +/],
    ["export", "FILE", /--out FILE\.t +/],
    ["verify-real", "FILE", /--keep +/],
  ])("--help of %s prints its usage and every option, and exits 0", (file, positionals, option) => {
    const r = spawnSync(process.execPath, ["--import", "tsx", `src/cli/${file}.ts`, "--help"], { encoding: "utf8", timeout: 60_000 });
    expect(r.status).toBe(0);
    const name = { "check-design": "check", "verify-real": "verify:real" }[file] ?? file;
    expect(r.stdout.split("\n")[0]).toMatch(new RegExp(`^usage: npm run -s ${name} -- ${positionals ? `${positionals} ` : ""}\\[--`));
    expect(r.stdout).toMatch(option);
    expect(r.stdout).toMatch(/--help +print this and exit/);
    expect(r.stderr).toBe("");
  });

  it("refuses an unknown scenario({...}) setting as bad input: one line naming the file, the line and the allowed keys, exit 2", () => {
    const r = cli(`scenario({ instanse: "system" });\nawait flux.start();\nlog("ran");\n`);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(`scenario: ${r.file}:1: scenario(): unknown setting "instanse"; known: title, disk, policy, seed, limit, instance\n`);
  });

  it("an unknown option is one line naming it and pointing to --help, exit 2", () => {
    const r = cli(`await flux.start();\n`, "--bogus");
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(/^scenario: .*'--bogus'.*--help lists the options/);
  });
});
