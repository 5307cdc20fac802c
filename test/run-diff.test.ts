/** Where two runs part (src/ui/compare/run-diff.ts): the first event that differs in any field, or the end of the shorter. */
import { describe, expect, it } from "vitest";
import { firstParting } from "../src/ui/compare/run-diff.ts";
import { run } from "./helpers.ts";
import type { TraceEvent } from "../src/engine/sim/trace.ts";

const state = (t: number, value: string): TraceEvent => ({ kind: "state", t, subject: "broker", value });

describe("firstParting", () => {
  it("finds the first event that differs in time, kind or a field; the end of the shorter run; none for equal runs", () => {
    const a = [state(0, "init"), state(1, "run"), state(2, "down")];
    expect(firstParting(a, a.map((e) => ({ ...e })))).toBeUndefined();
    expect(firstParting(a, [state(0, "init"), state(1.5, "run")])).toEqual({ index: 1, a: a[1], b: state(1.5, "run") });
    expect(firstParting(a, [state(0, "init"), state(1, "failed")])?.index).toBe(1);
    expect(firstParting(a, a.slice(0, 2))).toEqual({ index: 2, a: a[2], b: undefined });
    expect(firstParting([state(0, "init")], [{ kind: "console", t: 0, text: "init" }])?.index).toBe(0);
  });

  it("two policies' runs of one script are the same until a knob matters", async () => {
    const text = 'scenario({ disk: "1 MiB", seed: 1 });\nawait flux.start();\ndisk.fill(disk.free - 4096);\nawait kvs.put("a", bytes(60000), { sync: true }).catch(() => {});\n';
    const [upstream, readOnly] = await Promise.all([run(text, { overrides: { policy: "upstream" } }), run(text, { overrides: { policy: "read-only" } })]);
    const parting = firstParting(upstream.trace, readOnly.trace);
    expect(parting).toBeDefined();
    expect(upstream.trace.slice(0, parting!.index)).toEqual(readOnly.trace.slice(0, parting!.index));
    expect(parting!.a).not.toEqual(parting!.b);
  });
});
