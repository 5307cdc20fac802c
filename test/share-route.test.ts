/** The page's address (src/share/route.ts), the examples found in playground-scripts/ and the drafts list. */
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isEdited, scenarioToShare, settingsOf, unchangedFragment, verdictOnRun } from "../src/share/address.ts";
import { MemoryStorage, openBrowserStorage } from "../src/share/browser-storage.ts";
import { draftTitle, keepDraft, keepOwnDraft, loadDrafts, loadOwnDraft, MAX_DRAFTS, MAX_DRAFTS_CHARS } from "../src/share/drafts.ts";
import { editedFrom, forgetEditedFrom, rememberEditedFrom } from "../src/share/entry.ts";
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
  const memoryStorage = (capacity?: number): Storage => new MemoryStorage(capacity);

  it("keeps the last 20, newest first, each text once", () => {
    const storage = memoryStorage();
    for (let n = 0; n < 25; n++) keepDraft(storage, `log(${n});`, {}, n);
    keepDraft(storage, "log(10);", { seed: "2" }, 99);
    const list = loadDrafts(storage);
    expect(list.length).toBe(MAX_DRAFTS);
    expect(list[0]).toMatchObject({ text: "log(10);", time: 99, settings: { seed: "2" } });
    expect(list.filter((d) => d.text === "log(10);").length).toBe(1);
  });

  it("keeps the drafts under MAX_DRAFTS_CHARS: six texts of 990 KB keep the newest two, and say the oldest were dropped", () => {
    const storage = memoryStorage();
    const notes = Array.from({ length: 6 }, (_, n) => keepDraft(storage, `// big ${n}\n${"x".repeat(990_000)}`, {}, n).note);
    expect(JSON.stringify(loadDrafts(storage)).length).toBeLessThanOrEqual(MAX_DRAFTS_CHARS);
    expect(loadDrafts(storage).map((d) => d.title)).toEqual(["big 5", "big 4"]);
    expect(notes).toEqual(["", "", "The oldest draft was dropped to make room for this one.", ...Array(3).fill("The oldest draft was dropped to make room for this one.")]);
    const huge = keepDraft(storage, "y".repeat(MAX_DRAFTS_CHARS), {}, 9);
    expect(huge.note).toMatch(/^This text was not put among the drafts: it is larger than/);
    expect(huge.drafts.map((d) => d.title)).toEqual(["big 5", "big 4"]);
  });

  it("drops the oldest when the browser's storage is full, and returns the stored list when nothing fits", () => {
    const storage = memoryStorage(3_000);
    for (let n = 0; n < 3; n++) keepDraft(storage, `// d${n}\n${"x".repeat(800)}`, {}, n);
    const kept = keepDraft(storage, `// d3\n${"x".repeat(800)}`, {}, 3);
    expect(kept.drafts.map((d) => d.title)).toEqual(["d3", "d2", "d1"]);
    expect(kept.note).toBe("The oldest draft was dropped to make room for this one.");
    expect(loadDrafts(storage)).toEqual(kept.drafts);
    const crowded = memoryStorage(3_000);
    crowded.setItem("other", "z".repeat(2_400)); // another item of the origin's takes the room
    keepDraft(crowded, "// small", {}, 0);
    const refused = keepDraft(crowded, `// d4\n${"x".repeat(800)}`, {}, 4);
    expect(refused.drafts).toEqual(loadDrafts(crowded));
    expect(refused.drafts.map((d) => d.title)).toEqual(["small"]);
    expect(refused.note).toBe("The browser did not save the drafts list: its storage for this page is full (QuotaExceededError). The text was not put among the drafts; the list is as it was.");
    expect(keepOwnDraft(crowded, "x".repeat(600), {})).toMatch(/did not save your draft: its storage for this page is full/);
  });

  it("works without the browser's storage where reading it throws (a cross-site frame with storage blocked)", () => {
    const blocked = openBrowserStorage(() => {
      throw new DOMException("Access is denied for this document.", "SecurityError");
    });
    expect(blocked.unavailable).toMatch(/^The browser refuses this page its storage \(SecurityError\)/);
    expect(keepDraft(blocked.storage, "log(1);", {}, 1).drafts.map((d) => d.text)).toEqual(["log(1);"]);
    const usable = new MemoryStorage();
    expect(openBrowserStorage(() => usable)).toEqual({ storage: usable });
  });

  it("titles a draft by its scenario title, else its first line; a damaged list is dropped", () => {
    expect(draftTitle(`// hello there\nscenario({ title: "Mine" });`)).toBe("Mine");
    expect(draftTitle(`\n// just a note\nlog(1);`)).toBe("just a note");
    const storage = memoryStorage();
    storage.setItem("flux-enospc-playground:drafts", "{not json");
    expect(loadDrafts(storage)).toEqual([]);
  });

  it("keeps the user's own draft with its settings; the tutorial's plain-text one is read as a text", () => {
    const storage = memoryStorage();
    expect(loadOwnDraft(storage)).toBeUndefined();
    keepOwnDraft(storage, "log(1);", { seed: "4" });
    expect(loadOwnDraft(storage)).toEqual({ text: "log(1);", settings: { seed: "4" } });
    for (const plain of ["// mine\nlog(2);", "42", "{\"text\": 3}"]) {
      storage.setItem("flux-enospc-playground:own-draft", plain);
      expect(loadOwnDraft(storage)).toEqual({ text: plain, settings: {} });
    }
  });
});

describe("what a history entry of an edit remembers", () => {
  const lesson = { kind: "lesson" as const, id: "1", text: "log(1);", settings: {} };
  const link = { kind: "link" as const, fragment: "#s=1.abc", scenario: { text: "log(2);", settings: { seed: "3" }, engineVersion: "0.0.9" } };

  it("remembers the lesson, example or link the text was edited from, or the user's own draft, beside other state", () => {
    for (const origin of [lesson, link, { kind: "example" as const, name: "first", text: "log(3);", settings: {} }, undefined]) {
      const state = structuredClone(rememberEditedFrom({ other: 1 }, origin)); // the browser keeps a copy
      expect(editedFrom(state)).toEqual({ from: origin });
      expect(state.other).toBe(1);
      expect(forgetEditedFrom(state)).toEqual({ other: 1 });
    }
  });

  it("reads anything else as nothing remembered", () => {
    for (const state of [null, undefined, 3, "own draft", {}, { editedFrom: null }, { editedFrom: { kind: "lesson", id: 1, text: "", settings: {} } }, { editedFrom: { kind: "link", fragment: "#s=", scenario: { text: "" } } }, { editedFrom: { kind: "shell" } }])
      expect(editedFrom(state), JSON.stringify(state)).toBeUndefined();
  });
});

describe("what the address and the notice say", () => {
  const link = { kind: "link" as const, fragment: "#s=1.abc", scenario: { text: "log(1);", settings: { seed: "3" }, traceHash: "aa".repeat(32), engineVersion: "0.0.9" } };

  it("keeps the short or author's link while nothing is edited", () => {
    expect(unchangedFragment(link, "log(1);", { seed: "3" })).toBe("#s=1.abc");
    expect(unchangedFragment(link, "log(1);", {})).toBeUndefined();
    expect(unchangedFragment({ kind: "example", name: "first", text: "x", settings: {} }, "x", {})).toBe("#example/first");
    expect(unchangedFragment({ kind: "lesson", id: "2", text: "x", settings: {} }, "x!", {})).toBeUndefined();
    expect(isEdited(link, "log(2);", { seed: "3" })).toBe(true);
  });

  it("carries the last run's hash only when that run was of exactly this text and these settings", () => {
    const run = { text: "log(1);", settings: { disk: "2 MiB" }, traceHash: "bb".repeat(32) };
    expect(scenarioToShare("log(1);", { disk: "2 MiB" }, run, "1.0.0").traceHash).toBe(run.traceHash);
    expect(scenarioToShare("log(1);", {}, run, "1.0.0").traceHash).toBeUndefined();
    expect(scenarioToShare("log(2);", { disk: "2 MiB" }, run, "1.0.0").traceHash).toBeUndefined();
  });

  it("after a run of an unedited link: the same result, or which engine made the link", () => {
    const ran = (traceHash: string) => ({ text: "log(1);", settings: { seed: "3" }, traceHash });
    expect(verdictOnRun(link, ran("aa".repeat(32)), "1.0.0")).toMatchObject({ same: true, message: expect.stringContaining("Same result as when shared") });
    expect(verdictOnRun(link, ran("cc".repeat(32)), "1.0.0")).toEqual({
      same: false,
      message: "A different result from the author's: the engine changed since the link was made (this page runs engine 1.0.0).",
      fields: [
        { label: "the author's trace hash", value: "aaaaaaaaaaaa…" },
        { label: "the link's engine", value: "0.0.9" },
      ],
    });
    expect(verdictOnRun(link, ran("cc".repeat(32)), "0.0.9")?.message).toContain("though the link names this page's engine version");
    expect(verdictOnRun(link, { ...ran("cc".repeat(32)), text: "log(2);" }, "1.0.0")).toBeUndefined();
    expect(settingsOf("", " 4 MiB ", "")).toEqual({ disk: "4 MiB" });
  });
});
