/**
 * npm run bench:instructions [-- WORKLOAD...]: the instructions each measured
 * part of bench/instructions-workload.ts executes (default: t0090, which
 * gives t0090 and t0090-floor; bench-t0090, concurrent-jobs, log-flood and
 * log-flood-empty on request), counted by valgrind's callgrind, since the
 * machine's perf has no hardware counters. Unlike wall time, a count does not
 * move with the load of a shared machine: a change of 1-2 % shows in one run.
 * Node runs single-threaded (no concurrent JIT or GC threads) so that the
 * count repeats, and counting is on only around the measured parts.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ALL = ["t0090", "bench-t0090", "concurrent-jobs", "log-flood", "log-flood-empty"];
const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !ALL.includes(name));
if (unknown.length > 0) {
  console.error(`bench:instructions: unknown workload ${unknown.join(", ")}; one of: ${ALL.join(", ")}`);
  process.exit(2);
}

/** Every measured part of `workload`: its label and its instruction count, from callgrind's dumps. */
function countParts(workload) {
  const dir = mkdtempSync(join(tmpdir(), "instructions-"));
  const valgrind = ["--tool=callgrind", "--instr-atstart=no", `--callgrind-out-file=${join(dir, "out")}`, "--log-file=/dev/null"];
  const node = [process.execPath, "--single-threaded", "--import", "tsx", "bench/instructions-workload.ts", workload];
  try {
    execFileSync("valgrind", [...valgrind, ...node], { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, INSTRUCTIONS_COUNTING: "1" } });
    return readdirSync(dir)
      .map((file) => readFileSync(join(dir, file), "utf8"))
      .map((dump) => ({ label: /^desc: Trigger: dump (.+)$/m.exec(dump)?.[1], count: Number(/^totals: (\d+)$/m.exec(dump)?.[1]) }))
      .filter((part) => part.label !== undefined);
  } catch (error) {
    const reason = error.code === "ENOENT" ? "valgrind is not installed (apt-get install valgrind)" : `it failed (${error.message.split("\n")[0]})`;
    console.error(`bench:instructions: ${workload}: ${reason}`);
    process.exit(1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const workload of asked.length > 0 ? asked : ["t0090"]) {
  for (const { label, count } of countParts(workload)) console.log(`${label.padEnd(20)} ${(count / 1e6).toFixed(0).padStart(7)} M instructions`);
}
