/**
 * How a run ends when something goes wrong, in this process (the CLI and the
 * page's worker run the same runner): each way ends with one line that says
 * what happened and where, and keeps what the run did.
 */
import { describe, expect, it } from "vitest";
import { run } from "./helpers.ts";

describe("a run that goes wrong", () => {
  it("names an exception inside the engine as a bug of the module it happened in, with the seed and policy that reproduce it", async () => {
    const r = await run(`scenario({ seed: 4, policy: "read-only" });\nawait flux.start();\nawait kvs.put("a", bytes(2000), { sync: true });\n`, {
      onBroker: (broker) =>
        broker.trace.onEvent((e) => {
          if (e.kind === "send" && e.topic === "content-backing.store") throw new TypeError("boom");
        }),
    });
    expect(r.ok).toBe(false);
    expect(r.error?.message).toBe("internal error in content: boom (a bug in the playground, not in the script: this script with seed 4 and policy read-only reproduces it)");
    expect(r.events).toBeGreaterThan(10);
  });

  it("ends on an unhandled rejection at once, on its line", async () => {
    const r = await run(`await flux.start();\nvoid Promise.reject(new Error("left"));\nawait kvs.put("a", 1);\nlog("not reached");\n`);
    expect(r.error).toEqual({ message: "unhandled rejection: left", line: 2 });
    expect(r.logs).toEqual([]);
  });

  it("shows thrown values of every kind on one line, on the line of their throw", async () => {
    const cases: [string, string][] = [
      ["{ weird: true }", '{"weird":true}'],
      ["42", "42"],
      ['"text"', '"text"'],
      ["null", "null"],
      ['Symbol("s")', "Symbol(s)"],
      ["(() => { const o: any = {}; o.self = o; return o; })()", '{"self":"[circular]"}'],
      ['new Error("two\\nlines")', "two lines"],
    ];
    for (const [value, shown] of cases) {
      const r = await run(`log(1);\nif (Math.max(1, 2) > 0) {\n  throw ${value};\n}\n`);
      expect(r.error, value).toEqual({ message: shown, line: 3 });
    }
    expect((await run(`throw undefined;\n`)).error).toEqual({ message: "the script threw undefined", line: 1 });
  });

  it("ends a script that waits on the simulation at the time limit, keeping everything it did", async () => {
    const r = await run(`await flux.start();\nlog("up");\nfor (;;) await sim.advance(100);\n`, { timeLimitMs: 300 });
    // a run that only is big is told so: which limit stopped it and how to raise it, not that it waits too long
    expect(r.error?.message).toMatch(/^stopped after 0\.3 s of wall-clock time, the run limit; raise it with scenario\(\{ limit: 60 \}\) or --timeout-ms\. A run cut short/);
    expect(r.error?.message).not.toMatch(/await|wait for too long/);
    expect(r.error?.limitMs).toBe(300);
    expect(r.logs).toEqual(["up"]);
    expect(r.state).toBe("run");
    expect(r.events).toBeGreaterThan(100);
  });
});
