/**
 * Compare (issue 23, and issue 20's Compare as lessons use it): rows are the script's lines, not the n-th call;
 * the script's own policy and knob sets are columns; a verdict per policy in words; each column's trace hash is
 * the one `npm run scenario -- --policy` gives; the Markdown summary stays under the chat limits.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { KNOB_NAMES } from "../src/engine/policy/knobs.ts";
import { PRESETS, type PolicySetting } from "../src/engine/policy/presets.ts";
import { compareScenario } from "../src/runner/compare.ts";
import { collapse, comparisonTable, rowsByLine, type PresetOutcome } from "../src/runner/compare-table.ts";
import { DISCORD_MESSAGE_LIMIT, markdownSummary, SLACK_MESSAGE_LIMIT } from "../src/share/markdown-summary.ts";
import { policyWords, readKnobDocs } from "../src/ui/policy-choice.ts";
import { run, script, sqlReady } from "./helpers.ts";

const LESSON_8 = script("playground-scripts/lessons/08-admins-choice.start.ts");
const KNOB_SET: PolicySetting = { preset: "read-only", rc3HoldFreeBytes: 262144 };

describe("rows by the script's line", () => {
  it("collapses a line's outcomes in order", () => {
    expect(collapse(["ok", "ok", "ok", "ENOSPC", "ENOSPC", "ok"])).toBe("ok ×3 → ENOSPC ×2 → ok");
    expect(collapse(["EROFS"])).toBe("EROFS");
  });

  it("a loop that runs a different number of times per policy stays on its line (lesson 8's misaligned row)", async () => {
    const outcomes = await compareScenario(LESSON_8, await sqlReady, [undefined, "read-only", "fail-hard"]);
    const rows = rowsByLine(outcomes);
    const jobsLine = LESSON_8.split("\n").findIndex((l) => l.includes("await jobs.submit(1).catch")) + 1;
    const oneMore = LESSON_8.split("\n").findIndex((l) => l.includes('attempt("one more job"')) + 1;
    const byLine = new Map(rows.map((r) => [r.line, r]));
    expect(byLine.get(jobsLine)!.label).toBe(`line ${jobsLine}: jobs.submit(1)`);
    expect(byLine.get(jobsLine)!.cells).toEqual(["ok ×2", "ok → EROFS", "ok → ECONNRESET"]);
    // fail-hard's instance is gone before the last job: that line never ran there, and no other call takes its row
    expect(byLine.get(oneMore)!.cells).toEqual(["ok", "EROFS", "—"]);
    expect(rows.map((r) => r.line)).toEqual([...rows.map((r) => r.line)].sort((a, b) => a! - b!));
  }, 60_000);

  it("a loop whose calls differ by argument shares one row, labelled by the call's name", async () => {
    const text = 'await flux.start();\nfor (let i = 0; i < 3; i++)\n  await kvs.put(`k${i}`, i);\n';
    const [own] = await compareScenario(text, await sqlReady, [undefined]);
    expect(rowsByLine([own!]).map((r) => [r.label, r.cells[0]])).toEqual([
      ["line 1: flux.start()", "ok"],
      ["line 3: kvs.put(…)", "ok ×3"],
    ]);
  });
});

describe("columns", () => {
  it("the script's own policy comes first and its preset is not repeated; a knob set is described by the knobs it changes", async () => {
    const outcomes = await compareScenario(LESSON_8, await sqlReady);
    expect(outcomes.map((o) => o.policy)).toEqual(["the script's own (upstream)", ...Object.keys(PRESETS).filter((p) => p !== "upstream")]);
    const [custom] = await compareScenario(LESSON_8, await sqlReady, [KNOB_SET]);
    expect(custom!.policy).toBe("read-only with rc3HoldFreeBytes=262144");
    expect(custom!.knobs).toEqual(["rc3HoldFreeBytes=262144"]);
    const ownKnobs = `scenario({ policy: { preset: "read-only", rc3HoldFreeBytes: 262144 } });\nawait flux.start();\n`;
    const [own] = await compareScenario(ownKnobs, await sqlReady, [undefined]);
    expect(own!.policy).toBe("the script's own (read-only with rc3HoldFreeBytes=262144)");
  }, 60_000);

  it("each column's trace hash is the one the CLI's --policy run of the same text gives", async () => {
    const text = script("playground-scripts/policy-rc3-hold.ts");
    const columns: PolicySetting[] = ["rc3-hold", "read-only", { preset: "read-only", rc3HoldFreeBytes: 1 }];
    const outcomes = await compareScenario(text, await sqlReady, [undefined, ...columns]);
    expect(outcomes[0]!.traceHash).toBe((await run(text, { retainTrace: false })).traceHash);
    for (const [i, policy] of columns.entries()) {
      // rc3-hold is the script's own: its column is the first one
      const outcome = policy === "rc3-hold" ? outcomes[0]! : outcomes.find((o) => o.policy === (typeof policy === "string" ? policy : "read-only with rc3HoldFreeBytes=1"))!;
      expect(outcome.traceHash, `column ${i}`).toBe((await run(text, { retainTrace: false, overrides: { policy } })).traceHash);
    }
  }, 60_000);
});

describe("verdicts in words", () => {
  it("lesson 8: 0.66 loses the whole job directory; rc3-hold's restart fails because the disk is still full, which is not lost data", async () => {
    const outcomes = await compareScenario(LESSON_8, await sqlReady, ["flux-0.66", "rc3-hold", "fail-hard", "read-only"]);
    const [old, hold, hard, readOnly] = outcomes.map((o) => o.verdicts);
    expect(old!.jobs).toBe("lost: all 3 jobs (no job directory after the restart)");
    expect(outcomes[0]!.fsck).toBe("damaged: job");
    expect(old!.synced).toBe("kept (all 1)");
    // the wedge of issue 23: rc3's flush takes the freed space, and the start then finds the disk full
    expect(hold!.synced).toBe("not known: the restart failed because the disk is still full");
    expect(hold!.jobs).toBe("not known: the restart failed because the disk is still full");
    expect(hold!.human).toBe("yes: the restart failed: the disk is still full with the other files removed");
    expect(hold!.waits).toBe("yes: the shutdown did not end in 10 s and the instance was killed");
    expect(hard!.up).toBe("went down (failed, exit 1)");
    expect(hard!.human).toBe("yes: the instance is down: someone must start it");
    expect(readOnly!.up).toBe("stayed up");
    expect(readOnly!.human).toBe("yes: it is up, but its last write failed (EROFS): the way back is an admin's");
    expect(readOnly!.waits).toBe("no");
    const table = comparisonTable(outcomes);
    for (const label of ["synced data", "job data", "the instance", "needed a human", "waited forever"]) expect(table.rows.some((r) => r[0] === label), label).toBe(true);
  }, 60_000);

  it("a script stuck on a reply says what waited forever (a synced put after space was freed, flux-model.md §11.6)", async () => {
    const stuck = [
      'scenario({ disk: "4 MiB" });',
      "await flux.start();",
      'await kvs.put("b", 2, { sync: true });',
      "const filler = disk.fill();",
      'await kvs.put("big", bytes(100_000));',
      "await sim.settle();",
      "disk.remove(filler);",
      "await content.flush().catch(() => {});",
      'await kvs.put("d", 4, { sync: true });',
    ].join("\n");
    const [waiting, readOnly] = await compareScenario(stuck, await sqlReady, [undefined, "read-only"]);
    expect(waiting!.verdicts.waits).toMatch(/^yes: the script waited for kvs\.put\("d", sync\) \(line 9\) — kvs\.commit #\d+/);
    expect(readOnly!.verdicts.waits).toBe("no");
  }, 60_000);
});

describe("the Markdown summary", () => {
  it("has the link, the policies and their knobs, the lines that did not simply succeed, dmesg, the verdicts and the hashes", async () => {
    const outcomes = await compareScenario(LESSON_8, await sqlReady, [undefined, "flux-0.66", KNOB_SET]);
    const md = markdownSummary({ link: "https://example.org/#s=1.abc", outcomes, title: "Lesson 8: the admin's choice" });
    expect(md).toMatch(/^### Lesson 8: the admin's choice: compared under 3 policies/);
    expect(md).toContain("[Open this scenario in the playground](https://example.org/#s=1.abc)");
    expect(md).toContain("- `read-only with rc3HoldFreeBytes=262144`: knobs `rc3HoldFreeBytes=262144`");
    expect(md).toContain("| job data | lost: all 3 jobs");
    expect(md).toMatch(/\| line 14: jobs\.submit\(1\) \| ok ×2 \| ok ×2 \| ok → EROFS \|/);
    expect(md).not.toMatch(/\| line 8: flux\.start\(\)/); // every policy succeeded there
    expect(md).toContain("content.crit[0]: content store: No space left on device");
    for (const o of outcomes) expect(md).toContain(o.traceHash);
    expect(md).not.toContain("Discord");
  }, 60_000);

  it("stays under Slack's limit for a huge comparison and says what it cut; a link too long for Discord says so", () => {
    const calls = Array.from({ length: 3000 }, (_, i) => ({ line: i + 1, call: `kvs.put("${"k".repeat(40)}${i}")`, outcome: i % 2 ? "ENOSPC" : "EROFS" }));
    const outcome = (policy: string): PresetOutcome => ({
      policy,
      knobs: [],
      script: `line 3000: ${"x".repeat(1500)}`,
      calls,
      state: "run",
      exitCode: null,
      lost: [],
      restart: "ok",
      fsck: "clean",
      verdicts: { synced: "kept (all 1)", jobs: "no job finished", up: "stayed up", human: "no", waits: "no" },
      dmesg: Array.from({ length: 8 }, (_, i) => `content.crit[0]: ${"y".repeat(300)} ${i} | \`\`\``),
      diskUsed: 0,
      diskQuota: 1,
      traceHash: "0123456789abcdef",
    });
    const outcomes = Array.from({ length: 12 }, (_, i) => outcome(`policy ${i}`));
    const link = `https://example.org/#s=1.${"a".repeat(3000)}`;
    const md = markdownSummary({ link, outcomes });
    expect(md.length).toBeLessThanOrEqual(SLACK_MESSAGE_LIMIT);
    expect(md).toMatch(/… and \d+ more lines \(the link shows them all\)\./);
    expect(md).toContain(`The link is 3,025 characters: longer than Discord's ${DISCORD_MESSAGE_LIMIT.toLocaleString("en")}`);
    expect(md).not.toMatch(/[^\\]\| y/); // a pipe in a cell is escaped
  });
});

describe("a knob set in words", () => {
  it("every knob has its documentation, read from knobs.ts", () => {
    const docs = readKnobDocs(readFileSync("src/engine/policy/knobs.ts", "utf8"));
    expect(Object.keys(docs).sort()).toEqual([...KNOB_NAMES].sort());
    for (const name of KNOB_NAMES) expect(docs[name].length, name).toBeGreaterThan(20);
    expect(docs.rc3HoldFreeBytes).toBe("broker rc3: before unloading the kvs, hold while the flush fails for lack of space, until this much is free (0: no hold).");
  });

  it("lists the knobs it changes, not the preset's description", () => {
    const words = policyWords("read-only", { rc3HoldFreeBytes: 262144, kvsReadOnly: true });
    expect(words.title).toBe("A knob set of one's own: read-only with rc3HoldFreeBytes=262144");
    expect(words.changed).toEqual([{ knob: "rc3HoldFreeBytes", value: "262144", doc: expect.stringContaining("hold while the flush fails") }]);
    expect(words.description).not.toContain(PRESETS["read-only"].description);
    expect(policyWords("read-only").description).toBe(PRESETS["read-only"].description);
  });
});
