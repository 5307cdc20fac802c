/**
 * The tutorial's lessons (issue #10): for every lesson, the starting script
 * does not meet the goal and the solution does, both run by the real runner
 * with the page's recorder (the goal reads what the page reads); the
 * prediction's answer is revealed by the solution's run; and every flux-model.md
 * behaviour a goal relies on is reproduced by a conformance scenario, run here.
 */
import { describe, expect, it } from "vitest";
import { goalMet, type Lesson, type LessonRun } from "../src/tutorial/lesson.ts";
import { LESSONS, solutionFile, startFile } from "../src/tutorial/lessons.ts";
import { MemoryStorage } from "../src/share/browser-storage.ts";
import { loadProgress, newReader, saveProgress } from "../src/tutorial/progress.ts";
import { FREE_PLAY, hashOfLesson, lessonFromHash } from "../src/tutorial/route.ts";
import { run, runRecorded, script } from "./helpers.ts";

async function lessonRun(path: string): Promise<LessonRun> {
  const { trace, frames, trees, ...result } = await runRecorded(script(path));
  return { events: trace, frames, trees, result };
}

const unmet = (lesson: Lesson, r: LessonRun) => lesson.goal(r).filter((item) => !item.done).map((item) => item.label);

/** Which conformance scenarios (playground-scripts/) reproduce the flux-model.md behaviours each lesson's goal checks. */
const CLAIMS: Record<string, { claim: string; files: string[] }[]> = {
  "the-stack": [
    { claim: "§2/§4 blobs round-trip through content-sqlite by blobref", files: ["t0012-content-sqlite.ts"] },
    { claim: "§3 stores are dirty until written back; flush drains them", files: ["t0011-content-cache.ts"] },
  ],
  "write-back": [{ claim: "§3 content.store answers once cached; write-back later", files: ["t0011-content-cache.ts", "first.ts"] }],
  checkpoints: [
    { claim: "§6 FLUX_KVS_SYNC checkpoints; §7 a crash restores the last checkpoint", files: ["crash-recovery.ts", "t1012-kvs-checkpoint.ts"] },
    { claim: "§4/§5 checkpoint history survives a restart", files: ["t0035-checkpoints.ts"] },
  ],
  "disk-fills": [{ claim: "§10 t0090, §11.1–5: commits and jobs succeed, flush and sync fail ENOSPC", files: ["first.ts", "t0090-content-enospc.ts"] }],
  "freeing-space": [{ claim: "§11.6–7: freeing space does not heal; sync hangs; restart recovers", files: ["freed-space-hang.ts"] }],
  "dangling-checkpoint": [
    { claim: "§5 0.66 checkpoints without flush: a dangling checkpoint fsck finds", files: ["dangling-checkpoint-flux-0.66.ts", "dangling-0.66-found-by-search.ts"] },
    { claim: "§5 #6260: 0.88 writes no checkpoint when the flush fails", files: ["safe-checkpoint-upstream.ts"] },
  ],
  proposals: [
    {
      claim: "§12 the designs of #6236",
      files: ["policy-read-only.ts", "policy-fail-hard.ts", "policy-rc3-hold.ts", "policy-separate-checkpoint-db.ts", "policy-reserve.ts"],
    },
    { claim: "§11.8 rc3 on a full disk fails", files: ["first.ts"] },
  ],
  "admins-choice": [
    { claim: "§12 fail hard; reserve space", files: ["policy-fail-hard.ts", "policy-reserve.ts"] },
    { claim: "§11.9 a start on a full disk fails in rc1", files: ["start-on-full-disk.ts"] },
    { claim: "§13 A jobs until ENOSPC", files: ["t0090-content-enospc.ts"] },
  ],
  runbook: [
    { claim: "§6 checkpoint-period checkpoints without a sync", files: ["t1011-checkpoint-period.ts"] },
    { claim: "§7/§8 fsck finds a missing blob; §11.9 a start on a full disk fails", files: ["dangling-checkpoint-flux-0.66.ts", "start-on-full-disk.ts"] },
    { claim: "§14 a clean stop dumps and exits 42; the next start restores and skips fsck; a repairing rc1 fsck exits 42", files: ["system-clean-stop-restore.ts", "system-repairing-fsck.ts"] },
  ],
};

describe("tutorial lessons", () => {
  it("are the nine of the issues, each with its claims mapped to conformance scenarios", () => {
    expect(LESSONS.map((l) => l.slug)).toEqual(Object.keys(CLAIMS));
  });

  for (const [n, lesson] of LESSONS.entries()) {
    describe(`${n + 1}. ${lesson.title}`, () => {
      it("the starting script runs but does not meet the goal", async () => {
        const r = await lessonRun(startFile(lesson));
        expect(r.result.badInput).toBeUndefined();
        expect(goalMet(lesson.goal(r))).toBe(false);
      });

      it("the solution meets the goal and reveals the prediction's answer", async () => {
        const r = await lessonRun(solutionFile(lesson));
        expect(r.result.error).toBeUndefined();
        expect(unmet(lesson, r)).toEqual([]);
        const answer = lesson.predict.reveal(r);
        expect(lesson.predict.choices.map((c) => c.id)).toContain(answer);
      });

      it("the flux-model.md behaviours its goal relies on are reproduced by conformance scenarios", async () => {
        const files = [...new Set(CLAIMS[lesson.slug]!.flatMap((c) => c.files))];
        for (const file of files) {
          const r = await run(script(`playground-scripts/${file}`), { retainTrace: false });
          expect(r.error, file).toBeUndefined();
        }
      });
    });
  }
});

describe("lesson 9, step 5 (the system instance): the goal reads the dump, the restore and the removal from the run", () => {
  const lesson = LESSONS.find((l) => l.slug === "runbook")!;
  const solution = script(solutionFile(lesson));
  const STEP_5 = ["Then a clean stop: rc3 dumps the KVS into dump/, and the broker exits 42 (systemd leaves it down)", "The next start rebuilds content.sqlite from the dump, with no fsck", "The dump it restored from removed (Flux keeps every dump)"];
  const without = (text: string, line: RegExp) => text.split("\n").filter((l) => !line.test(l)).join("\n");
  const unmetBy = async (text: string) => {
    const { trace, frames, trees, ...result } = await runRecorded(text);
    expect(result.error).toBeUndefined();
    return unmet(lesson, { events: trace, frames, trees, result });
  };

  it("a dump kept is not done: only the removal is unmet", async () => {
    expect(await unmetBy(without(solution, /disk\.remove\(f\)/))).toEqual([STEP_5[2]]);
  });

  it("no clean stop after the repair: none of step 5 is done", async () => {
    expect(await unmetBy(without(solution, /clean stop exits|start from the dump|rc1\.0: restoring|disk\.remove\(f\)/))).toEqual(STEP_5);
  });
});

describe("#lesson/ links", () => {
  it("open a lesson by number or slug, and the free-play page", () => {
    expect(lessonFromHash("#lesson/1")).toBe(0);
    expect(lessonFromHash("#lesson/dangling-checkpoint")).toBe(5);
    expect(lessonFromHash(`#lesson/${FREE_PLAY}`)).toBe(LESSONS.length);
    expect(lessonFromHash(hashOfLesson(3))).toBe(3);
  });

  it("refuse anything else", () => {
    for (const hash of ["", "#lesson/", "#lesson/0", `#lesson/${LESSONS.length + 2}`, "#lesson/nope", "#example/first.ts", "#lesson/1/x", "#lesson/%E0%A4"]) {
      expect(lessonFromHash(hash), hash).toBeUndefined();
    }
  });
});

describe("tutorial progress in the browser's storage", () => {
  it("round-trips, and bad or missing data starts a new reader", () => {
    const storage = new MemoryStorage();
    expect(loadProgress(storage)).toEqual(newReader());
    const progress = { open: false, current: 3, done: ["the-stack"], hints: { "write-back": 2 }, guesses: { "the-stack": "val" } };
    expect(saveProgress(storage, progress)).toBeUndefined();
    expect(loadProgress(storage)).toEqual(progress);
    for (const bad of ["{not json", "42", '{"done": "x", "current": "2"}']) {
      storage.setItem("flux-enospc-playground:tutorial", bad);
      expect(loadProgress(storage).done).toEqual([]);
    }
  });

  it("says when a full storage did not save the progress, and does not throw", () => {
    const storage = new MemoryStorage(100);
    storage.setItem("other", "x".repeat(90));
    expect(saveProgress(storage, newReader())).toBe("The browser did not save the tutorial's progress: its storage for this page is full (QuotaExceededError).");
    expect(loadProgress(storage)).toEqual(newReader());
  });
});
