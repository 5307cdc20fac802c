/**
 * The exporter (src/export/): every playground script and lesson solution either becomes a test `sh -n`
 * accepts or is refused with one line per problem and its line number; three exports are pinned as golden
 * files (UPDATE_GOLDEN=1 rewrites them); bad input writes nothing. Running the tests on real Flux is
 * `npm run verify:real`, not part of npm test (no flux-core on CI).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { exportScenario } from "../src/export/export-scenario.ts";
import { groupSteps } from "../src/export/step-groups.ts";
import type { DmesgStep, Step } from "../src/export/recording-port.ts";
import { RecordingPort } from "../src/export/recording-port.ts";
import { run, script, sqlReady } from "./helpers.ts";

const SCRIPTS = [
  ...readdirSync("playground-scripts").filter((f) => f.endsWith(".ts")).map((f) => `playground-scripts/${f}`),
  ...readdirSync("playground-scripts/lessons").filter((f) => f.endsWith(".solution.ts")).map((f) => `playground-scripts/lessons/${f}`),
];
const GOLDEN = ["t0090-content-enospc", "t0012-content-sqlite", "t1012-kvs-checkpoint"];

async function exported(path: string) {
  return exportScenario(script(path), path.split("/").pop()!, await sqlReady);
}

describe("export as a flux-core test", () => {
  it.each(SCRIPTS)("%s: a test sh -n accepts, or one line per problem", async (path) => {
    const result = await exported(path);
    if (!result.ok) {
      expect(result.problems.length).toBeGreaterThan(0);
      for (const p of result.problems) expect(p).toMatch(/^line \d+: \S/);
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), "export-"));
    writeFileSync(join(dir, "t.t"), result.test);
    const check = spawnSync("sh", ["-n", join(dir, "t.t")], { encoding: "utf8" });
    expect(check.stderr).toBe("");
    expect(check.status).toBe(0);
    expect(result.test).toContain(". `dirname $0`/sharness.sh");
    expect(result.test).toMatch(/fs=\$\{FLUX_TEST_TMPFS:-\/test\/tmpfs-\w+\}/);
  });

  it.each(GOLDEN)("%s matches its golden file", async (name) => {
    const result = await exported(`playground-scripts/${name}.ts`);
    if (!result.ok) throw new Error(result.problems.join("\n"));
    const golden = `test/golden/${name}.t`;
    if (process.env.UPDATE_GOLDEN) writeFileSync(golden, result.test);
    // toMatchFileSnapshot resolves a path against this test file's folder (test/): the same file as above
    await expect(result.test).toMatchFileSnapshot(`golden/${name}.t`);
  });

  it("expects what the model did: an error as test_must_fail with its text, a loop on dmesg as one wait", async () => {
    const result = await exported("playground-scripts/t0090-content-enospc.ts");
    if (!result.ok) throw new Error(result.problems.join("\n"));
    expect(result.test).toContain("test_must_fail flux content flush");
    expect(result.test).toContain("grep '\\''No space left on device'\\'' err."); // quoted inside the test's body
    expect(result.test.match(/flux run printf/g)).toHaveLength(2); // one in the wait's round, one after it
    expect(result.test).toContain("flux_instance_stop 1");
  });

  it("refuses an injected fault, a proposal's policy and no scenario(), each with its line", async () => {
    const sql = await sqlReady;
    const fault = await exportScenario('scenario({ policy: "read-only" });\nawait flux.start();\ndisk.failNextWrite("EIO");\nawait kvs.put("a", "1", { sync: true }).catch(() => {});\n', "x.ts", sql);
    expect(fault.ok).toBe(false);
    if (!fault.ok) {
      expect(fault.problems).toContain("line 3: disk.failNextWrite(): an injected write fault has no counterpart in a test of real Flux");
      expect(fault.problems.some((p) => /^line 1: policy knob backingOnEnospc/.test(p))).toBe(true);
    }
    const none = await exportScenario("await flux.start();\n", "x.ts", sql);
    expect(none).toEqual({ ok: false, problems: [expect.stringMatching(/^line 1: no scenario\(\{\.\.\.\}\) call/)] });
  });

  it("turns a repeated block into one repeat, and a dmesg read that changed into the end of a wait", () => {
    const call = (line: number): Step => ({ kind: "call", line, op: { op: "sim.settle" }, outcome: { ok: true, value: undefined }, answeredAfter: 0 });
    const read = (n: number): Step => ({ kind: "dmesg", line: 1, logs: new Array(n) });
    const sig = (s: Step) => `${s.kind}${s.line}`;
    const changed = (a: DmesgStep, b: DmesgStep) => a.logs.length !== b.logs.length;
    const wait = groupSteps([read(0), call(2), read(0), call(2), read(1), call(3)], sig, changed);
    expect(wait.map((u) => (u.kind === "repeat" ? `repeat ${u.count}${u.until ? " until" : ""}` : "step"))).toEqual(["repeat 2 until", "step"]);
    const loop = groupSteps([call(2), call(2), call(2), call(2), call(3)], sig, changed);
    expect(loop.map((u) => (u.kind === "repeat" ? `repeat ${u.count}` : "step"))).toEqual(["repeat 4", "step"]);
    expect(groupSteps([call(2), call(2), call(3)], sig, changed).every((u) => u.kind === "step")).toBe(true);
  });

  it("records each call's outcome and leaves a rejection the script ignores unhandled", async () => {
    let recorder: RecordingPort | undefined;
    const text = 'scenario({});\nawait flux.start();\nawait expect(kvs.get("missing")).rejects.toThrow("ENOENT");\nkvs.get("also-missing");\nawait sim.advance(1000);\n';
    const result = await run(text, { wrapPort: (session, site) => (recorder = new RecordingPort(session, site)) });
    const plain = await run(text);
    expect(result.error?.message).toMatch(/^unhandled rejection: .*No such file or directory/);
    expect(result.error).toEqual(plain.error);
    expect(result.traceHash).toBe(plain.traceHash);
    const get = recorder!.steps.find((s) => s.kind === "call" && s.line === 3);
    expect(get).toMatchObject({ op: { op: "kvs.get", key: "missing" }, outcome: { ok: false, errno: "ENOENT" } });
  });

  it("npm run export: a type error and an unexportable call, one line each with its line, and nothing written", () => {
    const dir = mkdtempSync(join(tmpdir(), "export-cli-"));
    const file = join(dir, "bad.ts");
    writeFileSync(file, 'scenario({});\nawait flux.start();\nconst n: string = disk.quota;\ndisk.failNextWrite("EIO");\n');
    const out = join(dir, "bad.t");
    const r = spawnSync("node", ["--import", "tsx", "src/cli/export.ts", file, "--out", out], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${file}: line 3: Type 'number' is not assignable to type 'string'.`);
    expect(r.stderr).toContain(`${file}: line 4: disk.failNextWrite()`);
    expect(existsSync(out)).toBe(false);
    const ok = execFileSync("node", ["--import", "tsx", "src/cli/export.ts", "playground-scripts/t0035-checkpoints.ts"], { encoding: "utf8" });
    expect(ok).toContain("test_expect_success 'line 7: checkpoint list: sequences");
  });
});
