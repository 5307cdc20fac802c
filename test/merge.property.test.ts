/**
 * Transaction merging never changes what the commits do: random schedules of
 * commits in flight at the same time (some synced, some with noMerge, some
 * failing) are run with merging on and off. Each commit must end the same way
 * in both runs, the final tree must be the same (the same root blobref), and
 * every key must hold what applying the commits one by one in the order they
 * were sent gives: no operation lost, no two writes to a key reordered.
 * MERGE_RUNS schedules (default 12); a failure prints its seed and script.
 */
import { describe, expect, it } from "vitest";
import { Prng } from "../src/engine/sim/prng.ts";
import { run } from "./helpers.ts";

const RUNS = Number(process.env.MERGE_RUNS ?? 12);
const KEYS = ["a", "b", "c", "d.x", "d.y", "d.e.z"];

type Op = { op: "put" | "append"; key: string; value: string } | { op: "unlink"; key: string };
interface Commit {
  ops: Op[];
  sync: boolean;
  noMerge: boolean;
  /** Virtual ms to let pass before sending the next commit (0: sent at once, so they wait together). */
  pause: number;
}

/** A value: short ones stay inline in their directory, long ones become their own blob. */
function value(prng: Prng, i: number): string {
  return prng.int(0, 3) === 0 ? `long-${i}-${"x".repeat(prng.int(60, 200))}` : `v${i}`;
}

function randomCommits(seed: number): Commit[] {
  const prng = new Prng(seed);
  const commits: Commit[] = [{ ops: [{ op: "put", key: "d.x", value: "first" }], sync: false, noMerge: false, pause: 0 }];
  for (let i = 1; i < 40; i++) {
    const ops: Op[] = [];
    for (let n = 1 + prng.int(0, 2); n > 0; n--) {
      const key = KEYS[prng.int(0, KEYS.length - 1)]!;
      const kind = prng.int(0, 9);
      if (kind < 5) ops.push({ op: "put", key, value: value(prng, i) });
      else if (kind < 8) ops.push({ op: "append", key, value: value(prng, i) });
      else if (kind < 9) ops.push({ op: "unlink", key });
      else ops.push({ op: "append", key: "d", value: "fails" }); // d is a directory: EISDIR, the whole commit fails
    }
    const pause = prng.int(0, 4) === 0 ? prng.int(1, 20) / 10 : 0;
    commits.push({ ops, sync: prng.int(0, 9) === 0, noMerge: prng.int(0, 7) === 0, pause });
  }
  return commits;
}

function scriptFor(commits: Commit[], merge: boolean, seed: number): string {
  const lines = [
    `scenario({ seed: ${seed}, policy: { preset: "upstream", transactionMerge: ${merge} } });`,
    "await flux.start();",
    "const sent = [];",
  ];
  for (const c of commits) {
    const ops = c.ops.map((o) => (o.op === "unlink" ? `.unlink(${JSON.stringify(o.key)})` : `.put(${JSON.stringify(o.key)}, ${JSON.stringify(o.value)}${o.op === "append" ? ", { append: true }" : ""})`));
    lines.push(`sent.push(kvs.commit(kvs.txn()${ops.join("")}, { sync: ${c.sync}, noMerge: ${c.noMerge} }).then(() => "ok", (e) => e.errno));`);
    if (c.pause > 0) lines.push(`await sim.advance(${c.pause});`);
  }
  lines.push(
    "log(JSON.stringify(await Promise.all(sent)));",
    "const tree = {};",
    `for (const key of ${JSON.stringify(KEYS)}) tree[key] = await kvs.get(key).catch((e) => e.errno);`,
    "log(JSON.stringify(tree));",
    "const root = await kvs.getroot();",
    "log(root.rootref, root.sequence);",
  );
  return lines.join("\n");
}

/** What each key holds after applying the commits that succeed one by one, in the order they were sent. */
function applyInOrder(commits: Commit[], outcomes: string[]): Record<string, string> {
  const values = new Map<string, string>();
  commits.forEach((c, i) => {
    if (outcomes[i] !== "ok") return;
    for (const o of c.ops) {
      if (o.op === "unlink") values.delete(o.key);
      else values.set(o.key, o.op === "append" ? (values.get(o.key) ?? "") + o.value : o.value);
    }
  });
  return Object.fromEntries(KEYS.map((k) => [k, values.get(k) ?? "ENOENT"]));
}

interface Ran {
  outcomes: string[];
  tree: Record<string, string>;
  rootref: string;
  sequence: number;
}

async function runSchedule(commits: Commit[], merge: boolean, seed: number): Promise<Ran> {
  const script = scriptFor(commits, merge, seed);
  const result = await run(script, { retainTrace: false });
  if (!result.ok) throw new Error(`seed ${seed}, merge ${merge}: ${result.error?.message}\n--- script ---\n${script}`);
  const [outcomes, tree, root] = result.logs;
  const [rootref, sequence] = root!.split(" ");
  return { outcomes: JSON.parse(outcomes!), tree: JSON.parse(tree!), rootref: rootref!, sequence: Number(sequence) };
}

describe("transaction merging", () => {
  it(`gives the same outcomes and the same tree as applying the commits in order, over ${RUNS} random schedules`, async () => {
    let mergedRoots = 0;
    let unmergedRoots = 0;
    for (let seed = 1; seed <= RUNS; seed++) {
      const commits = randomCommits(seed * 104_729);
      const merged = await runSchedule(commits, true, seed);
      const unmerged = await runSchedule(commits, false, seed);
      const context = `seed ${seed}\n--- script ---\n${scriptFor(commits, true, seed)}`;
      expect(merged.outcomes, context).toEqual(unmerged.outcomes);
      expect(merged.outcomes.filter((o) => o === "EISDIR").length, context).toBe(commits.filter((c) => c.ops.some((o) => o.key === "d")).length);
      expect(merged.tree, context).toEqual(applyInOrder(commits, merged.outcomes));
      expect(unmerged.tree, context).toEqual(merged.tree);
      expect(merged.rootref, context).toBe(unmerged.rootref);
      mergedRoots += merged.sequence;
      unmergedRoots += unmerged.sequence;
    }
    // the schedules really did merge: fewer roots than commits
    expect(mergedRoots).toBeLessThan(unmergedRoots * 0.9);
  });
});
