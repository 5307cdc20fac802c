/** A link naming a moment (`#s=…&at=<event>`, src/share/route.ts): old links read as before, bad moments are one line. */
import { describe, expect, it } from "vitest";
import { decodeScenario, encodeScenario } from "../src/share/link.ts";
import { momentInRun, parseRoute, withMoment } from "../src/share/route.ts";

const scenario = { text: "scenario({});\nawait jobs.submit(3);\n", settings: { disk: "8MiB" }, traceHash: "0123456789abcdef", engineVersion: "0.4.0" };

describe("a link's moment", () => {
  it("leaves a link without one as it always read, and decodes the same scenario with one", async () => {
    const fragment = `#s=${await encodeScenario(scenario)}`;
    const old = parseRoute(fragment);
    expect(old).toEqual({ kind: "scenario", data: fragment.slice(3) });
    const moment = parseRoute(withMoment(fragment, 1234));
    expect(moment).toEqual({ kind: "scenario", data: fragment.slice(3), moment: { at: 1235 } }); // the timeline numbers events from 1
    const decoded = await decodeScenario((moment as { data: string }).data);
    expect(decoded).toEqual({ ok: true, scenario });
  });

  it("replaces a moment rather than adding a second, and drops it when asked", () => {
    expect(withMoment("#s=1.abcdefg&at=5", 9)).toBe("#s=1.abcdefg&at=10");
    expect(withMoment("#s=1.abcdefg&at=5", undefined)).toBe("#s=1.abcdefg");
    expect(withMoment("#s=1.abcdefg", 0)).toBe("#s=1.abcdefg&at=1");
  });

  it("refuses a moment that is not an event number with one line, keeping the scenario", () => {
    for (const tail of ["at=", "at=0", "at=007", "at=x", "at=-1", "at=1.5", "at=1e3", "at=1234567890", "at=1&at=2", "zoom=3", "at"]) {
      const route = parseRoute(`#s=1.abcdefg&${tail}`);
      expect(route.kind, tail).toBe("scenario");
      const moment = (route as { moment?: { problem?: string } }).moment;
      expect(moment?.problem, tail).toMatch(/^This link's .*: the run shows at its end\.$/);
      expect(moment?.problem?.includes("\n")).toBe(false);
    }
  });

  it("puts the timeline at the moment, or at the end with a line when it is past the run's end", () => {
    expect(momentInRun({ at: 1 }, 100)).toEqual({ index: 0 });
    expect(momentInRun({ at: 100 }, 100)).toEqual({ index: 99 });
    expect(momentInRun({ at: 101 }, 100)).toEqual({ index: 99, problem: "This link's moment (event 101) is past the run's end (event 100): the timeline shows the end." });
    expect(momentInRun({ problem: "bad" }, 100)).toEqual({ index: 99, problem: "bad" });
  });
});
