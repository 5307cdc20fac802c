/** The controls' reading of a script's scenario({...}) (src/ui/workbench/script-settings.ts), without running it. */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { scriptSettings, withPolicyHint } from "../src/ui/workbench/script-settings.ts";
import { run } from "./helpers.ts";

describe("the settings a script asks for", () => {
  it("reads literals, a byte count, knobs over a preset, and leaves computed values alone", () => {
    expect(scriptSettings(`scenario({ title: "x", disk: "4 MiB", policy: "upstream" });`)).toEqual({ disk: "4 MiB", policy: "upstream" });
    expect(scriptSettings(`scenario({ disk: 1_048_576, seed: 7, policy: { preset: "read-only", rc3HoldFreeBytes: 262144 } })`)).toEqual({
      disk: "1 MiB",
      seed: 7,
      policy: "read-only",
      knobs: true,
      knobValues: { rc3HoldFreeBytes: 262144 },
    });
    expect(scriptSettings(`scenario({ policy: { checkpointOnUnload: "flush-first" } })`)).toEqual({ policy: "upstream", knobs: true, knobValues: { checkpointOnUnload: "flush-first" } });
    // flags are literals too; a computed knob is left out
    expect(scriptSettings(`scenario({ policy: { preset: "read-only", failHard: false, rc3HoldFreeBytes: 1 << 18 } })`)).toEqual({ policy: "read-only", knobs: true, knobValues: { failHard: false } });
    expect(scriptSettings(`const n = 3;\nscenario({ seed: n, disk: "1" + " MiB", policy: \`flux-\${"0.66"}\`, title: f({ a: 1 }) });`)).toEqual({});
  });

  it("skips comments and strings, tolerates half-typed text, and finds nothing where there is no call", () => {
    expect(scriptSettings(`// scenario({ disk: "1 MiB" })\nlog("scenario({ seed: 2 })");\nscenario({\n  /* the disk */ disk: '2 MiB', // small\n})`)).toEqual({
      disk: "2 MiB",
    });
    expect(scriptSettings(`scenario({ disk: "4 MiB", polic`)).toEqual({ disk: "4 MiB" });
    expect(scriptSettings(`scenario({ disk: "4 Mi`)).toEqual({}); // a string still being typed is not read
    expect(scriptSettings(`await flux.start();`)).toEqual({});
    expect(scriptSettings(`scenario(settings);`)).toEqual({});
  });

  it("ends on a closing bracket where a key belongs (the typo that froze the tab) and on every other stray token", () => {
    expect(scriptSettings(`scenario({ disk: "4 MiB", ) })`)).toEqual({ disk: "4 MiB" });
    expect(scriptSettings(`scenario({ ]`)).toEqual({});
    expect(scriptSettings(`scenario({ seed: 3 )\nawait flux.start();`)).toEqual({ seed: 3 });
    expect(scriptSettings(`scenario({ policy: { preset: "read-only" ] , disk: 5 })`)).toEqual({ policy: "read-only", knobs: true, knobValues: {} });
    for (const stray of [")", "]", "}", "`", "${", "/", "/[", "'", '"', ":", ",", "...", "=>", "#", "@"]) {
      expect(scriptSettings(`scenario({ ${stray} ${stray}`), stray).toEqual({});
    }
  });

  it("reads keys that are prototype names as plain keys, and escapes as the language does", () => {
    expect(scriptSettings(`scenario({ __proto__: { disk: "9 MiB" }, constructor: 1, seed: 4 })`)).toEqual({ seed: 4 });
    expect(scriptSettings(`scenario({ "disk": '2\\x20MiB', seed: -3 })`)).toEqual({ disk: "2 MiB", seed: -3 });
    expect(scriptSettings(`const re = /scenario\({ seed: 9 }/;\nscenario({ seed: 2 })`)).toEqual({ seed: 2 });
    expect(scriptSettings(`const s = \`\${\`scenario({ seed: 9 })\`}\`;\nscenario({ seed: 2 })`)).toEqual({ seed: 2 });
  });

  it("agrees with what the engine runs for every playground script", async () => {
    for (const f of readdirSync("playground-scripts").filter((f) => f.endsWith(".ts"))) {
      const text = readFileSync(`playground-scripts/${f}`, "utf8");
      const asked = scriptSettings(text);
      if (!asked.policy) continue;
      const result = await run(text);
      expect(result.policy, f).toBe(asked.knobs ? `${asked.policy}+custom` : asked.policy);
    }
  });

  it("adds to a failure that the script was written for another policy, only when the menu chose one", () => {
    const error = { message: "expected 'EROFS' to be 'ENOSPC'", line: 3 };
    expect(withPolicyHint(error, "read-only", "upstream")?.message).toBe(
      `expected 'EROFS' to be 'ENOSPC' (the script was written for policy "upstream"; this run used "read-only" from the policy menu)`,
    );
    expect(withPolicyHint(error, "read-only", undefined)?.message).toContain(`written for policy "upstream"`);
    expect(withPolicyHint(error, "", "upstream")).toBe(error);
    expect(withPolicyHint(error, "upstream", "upstream")).toBe(error);
    expect(withPolicyHint(undefined, "read-only", "upstream")).toBeUndefined();
  });
});
