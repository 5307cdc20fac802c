/** Policies as data: presets, knob combinations that work together or are refused clearly, and the comparison report. */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { conflicts } from "../src/engine/policy/knobs.ts";
import { PRESETS, resolvePolicy } from "../src/engine/policy/presets.ts";
import { compareScenario } from "../src/runner/compare.ts";
import { formatComparison } from "../src/runner/compare-table.ts";
import { decodeScenario, encodeScenario } from "../src/share/link.ts";
import { run, script, sqlReady } from "./helpers.ts";

describe("presets", () => {
  it("are the names of the scenario API, each with a description and a consistent set of knobs", () => {
    expect(Object.keys(PRESETS)).toEqual(["flux-0.66", "upstream", "read-only", "fail-hard", "rc3-hold", "separate-checkpoint-db", "reserve-file", "safe-mode"]);
    for (const preset of Object.values(PRESETS)) {
      expect(preset.description.length).toBeGreaterThan(100);
      expect(conflicts(preset.knobs)).toEqual([]);
    }
  });

  it("a renamed preset still resolves by its old name, to its new one (old scripts and links keep working)", () => {
    expect(resolvePolicy("reserve").name).toBe("reserve-file");
    expect(resolvePolicy({ preset: "reserve", maxCheckpoints: 3 }).name).toBe("reserve-file+custom");
    expect(resolvePolicy("reserve").knobs).toEqual(PRESETS["reserve-file"].knobs);
  });

  it("a link made with the old name opens under the new one", async () => {
    const link = await encodeScenario({ text: "scenario({});", settings: { policy: "reserve" }, engineVersion: "0.0.0" });
    const opened = await decodeScenario(link);
    expect(opened.ok && opened.scenario.settings.policy).toBe("reserve-file");
  });

  it("refuse a combination that cannot work, saying why", () => {
    expect(() => resolvePolicy({ preset: "fail-hard", rc3HoldFreeBytes: 1024 })).toThrow(/fail-hard stops the instance without running rc3/);
    expect(() => resolvePolicy({ preset: "upstream", kvsReadOnly: true })).toThrow(/nothing would ever answer the kvs with EROFS/);
    expect(() => resolvePolicy({ preset: "upstream", bogus: 1 } as never)).toThrow(/unknown policy knob "bogus"/);
    expect(() => resolvePolicy({ preset: "fail-hard", backingOnEnospc: "close" })).toThrow(/failHard and backingOnEnospc "close" cannot be combined: the instance stops before the backing store could reopen its database/);
    expect(() => resolvePolicy({ preset: "upstream", backingOnEnospc: "shut" as never })).toThrow(/knob backingOnEnospc is one of "retry", "read-only", "close", got "shut"/);
  });

  it("refuse it with exit code 2 from the command line", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", "src/cli/scenario.ts", "playground-scripts/first.ts", "--policy", "nope"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("known: flux-0.66, upstream, read-only, fail-hard, rc3-hold, separate-checkpoint-db, reserve-file");
  });

  it("combine read-only with rc3-hold: shutdown holds while the flush fails, and freeing space lets it finish with nothing lost", async () => {
    const r = await run(`
scenario({ policy: { preset: "read-only", rc3HoldFreeBytes: 256 * 1024 }, disk: "2 MiB" });
await flux.start();
await kvs.put("a", 1, { sync: true });
const filler = disk.fill(disk.free - 32 * 1024);
await kvs.put("big", bytes(200_000));
await sim.settle();
await expect(kvs.put("c", 1)).rejects.toThrow("EROFS");
const shutdown = flux.shutdown();
await sim.advance(3000);
expect(flux.state).toBe("hold");
// the big value is the last write-back (root first), so the flush fails with its ENOSPC
expect(flux.dmesg("hold: content flush failed: No space left on device").length).toBe(1);
disk.remove(filler);
expect((await shutdown).exitCode).toBe(0);
await flux.start();
expect(((await kvs.get("big")) as Uint8Array).length).toBe(200_000);
expect((await flux.fsck()).ok).toBe(true);
`);
    expect(r.error).toBeUndefined();
  });
});

describe("compare", () => {
  it("runs one scenario under every preset and shows where they differ", async () => {
    const outcomes = await compareScenario(script("playground-scripts/dangling-checkpoint-flux-0.66.ts"), await sqlReady);
    // the script's own policy is the first column, and its preset is not repeated
    expect(outcomes.map((o) => o.policy)).toEqual(Object.keys(PRESETS).map((p) => (p === "flux-0.66" ? "the script's own (flux-0.66)" : p)));
    const byPolicy = Object.fromEntries(outcomes.map((o) => [o.policy.replace(/^the script's own \((.*)\)$/, "$1"), o]));
    expect(byPolicy["flux-0.66"]!.script).toBe("ok");
    expect(byPolicy["flux-0.66"]!.fsck).toBe("damaged: big");
    for (const safe of Object.keys(PRESETS).filter((p) => p !== "flux-0.66")) expect(byPolicy[safe]!.fsck, safe).toBe("clean");
    expect(byPolicy.upstream!.calls[0]).toEqual({ line: 6, call: "flux.start()", outcome: "ok" });
    const table = formatComparison(outcomes);
    expect(table).toMatch(/fsck after restart\s+damaged: big\s+clean/);
  });
});
