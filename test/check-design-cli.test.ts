/**
 * `npm run check` (the design checker's CLI) and policies as knob sets on the command line (issue #23): exit
 * 0 when every promise held, 1 with a minimal scenario that breaks one, 2 with one line for bad input; the
 * minimal scenario it prints fails the same way under `npm run scenario`; `--policy` takes JSON in every CLI.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

function cli(command: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", `src/cli/${command}.ts`, ...args], { encoding: "utf8", timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), "check-cli-"));

describe("npm run check", () => {
  it("exits 0 and names every promise it checked when the design holds", () => {
    const r = cli("check-design", "--policy", "read-only", "--runs", "5");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^design read-only: 5 sequence\(s\)/);
    for (const p of ["checkpoint", "synced", "liveness", "flux-errors", "quota", "integrity"]) expect(r.stdout).toContain(`  - ${p}: `);
    expect(r.stdout).toContain("ok: every promise held");
  });

  it("exits 1 with a minimal scenario for a design that breaks a promise; the scenario breaks it again", () => {
    const r = cli("check-design", "--policy", '{"preset":"upstream","checkpointPutFlushes":false}', "--runs", "50");
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^design upstream with checkpointPutFlushes=false:/);
    expect(r.stdout).toMatch(/BROKEN: (checkpoint|synced) \(sequence \d+\)/);
    const script = r.stdout.slice(r.stdout.indexOf("scenario({"));
    const file = join(dir, "minimal.ts");
    writeFileSync(file, script);
    const again = cli("scenario", file);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/PROPERTY (checkpoint|synced):/);
  }, 180_000);

  it("does not fail flux-0.66 for the promises it does not make, and --without drops one", () => {
    const r = cli("check-design", "--policy", "flux-0.66", "--runs", "3", "--without", "integrity");
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).not.toMatch(/ {2}- (checkpoint|synced|liveness|integrity):/);
    expect(r.stdout).toContain("  - quota: ");
  });

  it.each([
    [["--policy", "nope"], /unknown policy "nope"/],
    [["--policy", '{"preset":"upstream","colour":1}'], /unknown policy knob "colour"/],
    [["--policy", '{"failHard":"yes"}'], /knob failHard is true or false, got "yes"/],
    [["--policy", '{"sqliteSchema":"v3"}'], /knob sqliteSchema is one of "v1", "v2", got "v3"/],
    [["--policy", '{"failHard":true,"rc3HoldFreeBytes":4096}'], /cannot be combined/],
    [["--policy", "{nope"], /does not parse/],
    [["--runs", "0"], /--runs must be a whole number >= 1/],
    [["--threads", "0"], /--threads must be a whole number >= 1/],
    [["--without", "speed"], /unknown promise "speed"/],
    [["extra"], /no file is checked/],
  ])("bad input %j is one line, exit 2", (args, message) => {
    const r = cli("check-design", ...args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});

describe("--policy as a knob set in the other CLIs", () => {
  const file = join(dir, "s.ts");
  writeFileSync(file, 'scenario({ disk: "1 MiB" });\nawait flux.start();\nawait kvs.put("a", 1, { sync: true });\n');

  it("npm run scenario runs a knob set and refuses a wrong one with one line", () => {
    const ok = cli("scenario", file, "--policy", '{"preset":"read-only","rc3HoldFreeBytes":0}', "--json");
    expect(ok.code, ok.stderr).toBe(0);
    const bad = cli("scenario", file, "--policy", '{"preset":"read-only","rc3HoldFreeBytes":-1}');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^scenario: knob rc3HoldFreeBytes is a number >= 0, got -1\n$/);
  });

  it("npm run compare takes columns: presets, knob sets and the script's own", () => {
    const r = cli("compare", file, "--policy", "upstream", "--policy", '{"preset":"upstream","checkpointPutFlushes":false}', "--policy", "script", "--json");
    expect(r.code, r.stderr).toBe(0);
    const { outcomes } = JSON.parse(r.stdout) as { outcomes: { policy: string }[] };
    expect(outcomes.map((o) => o.policy)).toEqual(["upstream", "upstream with checkpointPutFlushes=false", "the script's own (upstream)"]);
  });
});
