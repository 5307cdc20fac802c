#!/usr/bin/env node
/**
 * npm run test:stress [-- --runs N] [-- --load K] [-- FILE...]
 *
 * The browser suite N times in a row (default 10) while K busy loops (default: one per core) compete for the CPU,
 * as a loaded CI machine or a laptop doing other work would: a test that reads the page once right after an action,
 * instead of waiting for the state it checks, fails here. Prints each round's result and wall time, then the pass
 * count; exits 1 if any round failed, 2 for bad arguments.
 */
import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";

const USAGE = "usage: npm run test:stress -- [--runs N] [--load K] [FILE...]   (default: 10 rounds of test/browser under one busy loop per core)";

function options() {
  try {
    const { values, positionals } = parseArgs({ allowPositionals: true, options: { runs: { type: "string" }, load: { type: "string" }, help: { type: "boolean", short: "h" } } });
    if (values.help) {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    }
    const count = (name, given, fallback) => {
      if (given === undefined) return fallback;
      const n = Number(given);
      if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number >= 0, got "${given}"`);
      return n;
    };
    return { runs: count("runs", values.runs, 10), load: count("load", values.load, availableParallelism()), files: positionals.length ? positionals : ["test/browser"] };
  } catch (e) {
    process.stderr.write(`test:stress: ${e.message}; ${USAGE}\n`);
    process.exit(2);
  }
}

const { runs, load, files } = options();

// the competing load: busy loops in processes of their own, ended (by their pid) whatever way this script ends
const burners = Array.from({ length: load }, () => spawn(process.execPath, ["-e", "for (;;) {}"], { stdio: "ignore" }));
const stopBurners = () => burners.forEach((b) => b.exitCode === null && b.kill());
process.on("exit", stopBurners);
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(130));

/** One round of the suite; its exit code and how long it took. */
function round() {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["node_modules/vitest/vitest.mjs", "run", ...files], { stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("close", (code) => resolve({ code, seconds: (Date.now() - started) / 1000, output }));
  });
}

process.stdout.write(`test:stress: ${runs} rounds of ${files.join(" ")} under ${load} busy loop(s) on ${availableParallelism()} core(s)\n`);
const started = Date.now();
let passed = 0;
for (let n = 1; n <= runs; n++) {
  const r = await round();
  const tests = /Tests\s+(.*)/.exec(r.output.replace(/\x1b\[[0-9;]*m/g, ""))?.[1]?.trim() ?? "no summary";
  if (r.code === 0) passed++;
  process.stdout.write(`round ${n}/${runs}: ${r.code === 0 ? "passed" : `FAILED (exit ${r.code})`} in ${r.seconds.toFixed(1)} s · ${tests}\n`);
  // a failure's own lines, so the round that failed says which test and why
  if (r.code !== 0) process.stdout.write(`${r.output.replace(/\x1b\[[0-9;]*m/g, "").split("\n").filter((l) => /FAIL|Error|✗|×|expected/.test(l)).slice(0, 40).join("\n")}\n`);
}
process.stdout.write(`test:stress: ${passed} of ${runs} rounds passed in ${((Date.now() - started) / 1000).toFixed(0)} s of wall time\n`);
stopBurners(); // (their processes would keep this one alive)
process.exitCode = passed === runs ? 0 : 1;
