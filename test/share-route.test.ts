/** The page's address (src/share/route.ts), the examples found in playground-scripts/ and the drafts list. */
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { draftTitle, keepDraft, loadDrafts, MAX_DRAFTS } from "../src/share/drafts.ts";
import { EXAMPLES, findExample, GROUP_NAMES } from "../src/share/examples.ts";
import { parseRoute } from "../src/share/route.ts";

describe("parseRoute", () => {
  it("reads each kind of address", () => {
    expect(parseRoute("")).toEqual({ kind: "draft" });
    expect(parseRoute("#")).toEqual({ kind: "draft" });
    expect(parseRoute("#s=1.abc")).toEqual({ kind: "scenario", data: "1.abc" });
    expect(parseRoute("#example/first")).toEqual({ kind: "example", name: "first" });
    expect(parseRoute("#lesson/3")).toEqual({ kind: "lesson", id: "3" });
    expect(parseRoute("#lesson/what-enospc-means")).toEqual({ kind: "lesson", id: "what-enospc-means" });
  });

  it("names what is wrong with an address it does not know, and never throws", () => {
    for (const hash of ["#example/", "#example/../x", "#example/%E0%A4%A", "#lesson/a b", "#foo", "#s", `#${"x".repeat(10_000)}`]) {
      const route = parseRoute(hash);
      expect(route.kind, hash).toBe("bad");
      expect((route as { reason: string }).reason.length).toBeLessThan(200);
    }
  });
});

describe("the examples gallery", () => {
  it("has every top-level playground script, each with a title, a summary and a group", () => {
    const files = readdirSync("playground-scripts").filter((f) => f.endsWith(".ts"));
    expect(EXAMPLES.map((e) => `${e.name}.ts`).sort()).toEqual(files.sort());
    for (const e of EXAMPLES) {
      expect(e.title, e.name).not.toBe("");
      expect(e.summary.length, e.name).toBeGreaterThan(10);
      expect(GROUP_NAMES).toContain(e.group);
    }
    expect(findExample("first")?.title).toBe("A full statedir under upstream Flux");
    expect(findExample("first")?.group).toBe("Start here");
    expect(findExample("policy-reserve")?.group).toBe("The proposals (#6236)");
    expect(findExample("t0090-content-enospc")?.group).toBe("flux-core's own tests");
    expect(GROUP_NAMES.length).toBe(5);
  });
});

describe("the drafts list", () => {
  const memoryStorage = (): Storage => {
    const map = new Map<string, string>();
    return {
      getItem: (k) => map.get(k) ?? null,
      setItem: (k, v) => void map.set(k, v),
      removeItem: (k) => void map.delete(k),
      clear: () => map.clear(),
      key: (i) => [...map.keys()][i] ?? null,
      get length() {
        return map.size;
      },
    };
  };

  it("keeps the last 20, newest first, each text once", () => {
    const storage = memoryStorage();
    for (let n = 0; n < 25; n++) keepDraft(storage, `log(${n});`, {}, n);
    keepDraft(storage, "log(10);", { seed: "2" }, 99);
    const list = loadDrafts(storage);
    expect(list.length).toBe(MAX_DRAFTS);
    expect(list[0]).toMatchObject({ text: "log(10);", time: 99, settings: { seed: "2" } });
    expect(list.filter((d) => d.text === "log(10);").length).toBe(1);
  });

  it("titles a draft by its scenario title, else its first line; a damaged list is dropped", () => {
    expect(draftTitle(`// hello there\nscenario({ title: "Mine" });`)).toBe("Mine");
    expect(draftTitle(`\n// just a note\nlog(1);`)).toBe("just a note");
    const storage = memoryStorage();
    storage.setItem("flux-enospc-playground:drafts", "{not json");
    expect(loadDrafts(storage)).toEqual([]);
  });
});
