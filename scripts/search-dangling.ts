/**
 * npm run search:dangling: search random operation sequences for one that
 * leaves flux-0.66 with a checkpoint naming blobs that never reached the disk,
 * minimize it, and keep it as a regression scenario in playground-scripts/.
 */
import { writeFileSync } from "node:fs";
import { loadSqlJs } from "../src/engine/disk/sqljs-node.ts";
import { runScenario } from "../src/runner/run-scenario.ts";
import { danglingSearchScript, searchDangling } from "../src/checker/sequences.ts";

const OUT = "playground-scripts/dangling-0.66-found-by-search.ts";
const sql = await loadSqlJs();
const found = await searchDangling(200, async (ops, seed) => {
  const result = await runScenario(danglingSearchScript(ops, seed), { sql, retainTrace: false });
  return result.error?.message;
});
if (!found) {
  console.error("search:dangling: no dangling checkpoint in 200 sequences");
  process.exit(1);
}
const header = [
  "// A dangling checkpoint under flux-core 0.66, found by `npm run search:dangling` (random sequences,",
  "// then minimized by deleting operations while the checkpoint still names a missing blob).",
  `// seed: ${found.seed}`,
  `// ops: ${found.ops.length}`,
  `// ${found.ops.map((o) => o.op).join(", ")}`,
  "",
].join("\n");
writeFileSync(OUT, header + danglingSearchScript(found.ops, found.seed, true));
console.log(`wrote ${OUT}: seed ${found.seed}, ${found.ops.length} operations`);
