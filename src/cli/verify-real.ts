/**
 * npm run -s verify:real -- FILE   (--help: the options)
 *
 * Runs the scenario's export (src/export/) against a real flux-core: the `flux` on PATH or $FLUX, with the
 * sharness.sh of a flux-core checkout ($FLUX_SRC/t), on a tmpfs of the scenario's size ($FLUX_TEST_TMPFS, or
 * one it mounts as root and unmounts after). Prints each step as the model and as Flux saw it, and one last
 * line: "agree" or "differ at step N". Exit 0: agree; 1: differ; 2: no flux-core, no tmpfs, or bad input.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { oneFile, parseCommandLine, type CommandSpec } from "./command-line.ts";
import { loadSqlJs } from "../engine/disk/sqljs-node.ts";
import { exportScenario } from "../export/export-scenario.ts";
import { readSharnessRun } from "../export/sharness-run.ts";

const COMMAND: CommandSpec = {
  name: "verify:real",
  positionals: "FILE",
  about:
    "Runs the scenario's flux-core test (npm run export) on real Flux and prints model and Flux step by step,\n" +
    "ending with \"agree\" or \"differ at step N\". Exit 0: agree; 1: differ; 2: no flux-core, no tmpfs, or bad input.\n" +
    "Environment: FLUX (the flux command; default: flux on PATH), FLUX_SRC (a flux-core checkout, for t/sharness.sh),\n" +
    "FLUX_TEST_TMPFS (a mounted tmpfs of the scenario's size; default: mount one, as root).",
  options: {
    "timeout-s": { type: "string", value: "N", help: "stop the test after N seconds (default 600)" },
    keep: { type: "boolean", help: "keep the test's directory (its trash directory has every step's files)" },
  },
};

const HOW_TO_GET_FLUX =
  "flux-core is at https://github.com/flux-framework/flux-core; to build 0.88 (about 6 minutes with make -j2):\n" +
  "  apt-get install -y autoconf automake libtool pkg-config make libc6-dev libzmq3-dev uuid-dev libjansson-dev liblz4-dev \\\n" +
  "    libarchive-dev libhwloc-dev libsqlite3-dev lua5.3 liblua5.3-dev lua-posix python3-dev python3-cffi python3-ply \\\n" +
  "    python3-setuptools python3-yaml libncurses-dev jq sqlite3\n" +
  "  git clone https://github.com/flux-framework/flux-core && cd flux-core && git checkout v0.88.0 && ./autogen.sh\n" +
  "  PYTHON=/usr/bin/python3 LUA=/usr/bin/lua5.3 ./configure --prefix=$HOME/flux --with-flux-security=no --disable-docs\n" +
  "  make -j2 && make install\n" +
  "then: FLUX=$HOME/flux/bin/flux FLUX_SRC=$PWD npm run -s verify:real -- FILE";

const line = parseCommandLine(COMMAND);
const file = oneFile(line, COMMAND);
const fail: (why: string) => never = (why) => {
  process.stderr.write(`verify:real: ${why}\n`);
  process.exit(2);
};

const flux = process.env.FLUX ?? which("flux") ?? fail(`no flux-core: no flux on PATH and FLUX is not set.\n${HOW_TO_GET_FLUX}`);
if (spawnSync(flux, ["version"]).status !== 0) fail(`${flux} version failed: is it a flux-core build?\n${HOW_TO_GET_FLUX}`);
const src = process.env.FLUX_SRC;
if (!src || !existsSync(join(src, "t/sharness.sh"))) fail(`no flux-core checkout with t/sharness.sh: set FLUX_SRC (now ${src ?? "unset"}).\n${HOW_TO_GET_FLUX}`);
const timeoutS = Number(line.text("timeout-s") ?? 600);
if (!(timeoutS > 0)) fail(`--timeout-s must be a number of seconds > 0, got ${line.text("timeout-s")}`);

const exported = await exportScenario(readFileSync(file, "utf8"), basename(file), await loadSqlJs());
if (!exported.ok) fail(`${file} cannot be exported:\n${exported.problems.map((p) => `  ${file}: ${p}`).join("\n")}`);

const work = mkdtempSync(join(tmpdir(), "verify-real-"));
// the test runs as one of flux-core's own: beside sharness.sh, sharness.d and the scripts they call
for (const entry of ["sharness.sh", "sharness.d", "scripts"]) symlinkSync(resolve(src!, "t", entry), join(work, entry));
// sharness.d/01-setup.sh asks $FLUX_BUILD_DIR/src/cmd/flux for PYTHONPATH even when the flux tested is an installed one
mkdirSync(join(work, "build/src/cmd"), { recursive: true });
symlinkSync(resolve(flux), join(work, "build/src/cmd/flux"));
const testName = `t9999-${basename(file).replace(/\.ts$/, "").replace(/[^\w-]+/g, "-")}.t`;
writeFileSync(join(work, testName), exported.test, { mode: 0o755 });

const mount = process.env.FLUX_TEST_TMPFS ? undefined : mountTmpfs(exported.quota);
const fs = process.env.FLUX_TEST_TMPFS ?? mount!;
let run: ReturnType<typeof spawnSync>;
try {
  const env = { ...process.env, FLUX_TEST_TMPFS: fs, FLUX_TEST_INSTALLED_PATH: dirname(resolve(flux)), FLUX_BUILD_DIR: join(work, "build"), PATH: `${dirname(resolve(flux))}:${process.env.PATH}` };
  // a process group of its own: whatever the test leaves running (a broker, after a timeout) is killed with it
  run = spawnSync("setsid", ["sh", testName, "--verbose"], { cwd: work, env, encoding: "utf8", timeout: timeoutS * 1000, maxBuffer: 64 << 20 });
  killGroup(run.pid);
} finally {
  if (mount) unmount(mount);
}
const output = `${run.stdout ?? ""}${run.stderr ?? ""}`;
const report = readSharnessRun(output);
process.stdout.write(`${file} on ${firstLine(spawnSync(flux, ["version"], { encoding: "utf8" }).stdout)} (tmpfs ${exported.quota} bytes at ${fs})\n`);
for (const step of report.steps) {
  process.stdout.write(`step ${step.n}  model: ${step.title}\n`);
  process.stdout.write(`${" ".repeat(String(step.n).length + 6)}flux:  ${step.ok ? "the same" : "NOT the same"}${step.seen.length ? ` (${step.seen.join("; ")})` : ""}\n`);
  if (!step.ok) for (const l of step.tail) process.stdout.write(`${" ".repeat(String(step.n).length + 13)}| ${l}\n`);
}
if (run.error) process.stdout.write(`the test did not finish: ${run.error.message}\n`);
if (!line.flag("keep")) spawnSync("rm", ["-rf", work]);
else process.stdout.write(`the test's directory: ${work}\n`);
process.stdout.write(`${report.verdict}\n`);
process.exitCode = report.verdict === "agree" ? 0 : report.skipped ? 2 : 1;

function which(name: string): string | undefined {
  const found = spawnSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

function firstLine(text: string | undefined): string {
  return (text ?? "").split("\n")[0]!.replace(/\s+/g, " ").trim();
}

/** A tmpfs of `bytes` at a fresh /mnt/export-* (mode 0700: flux takes a 1777 statedir for scratch), or exit 2 saying how to mount one. */
function mountTmpfs(bytes: number): string {
  const byHand = `mount one by hand (as root) and name it: mkdir -p /mnt/x && mount -t tmpfs -o size=${bytes},mode=0700 tmpfs /mnt/x && FLUX_TEST_TMPFS=/mnt/x npm run -s verify:real -- ${file}`;
  if (process.getuid?.() !== 0) fail(`not root, so no tmpfs can be mounted here: ${byHand}`);
  const dir = `/mnt/export-verify-${process.pid}`;
  mkdirSync(dir, { recursive: true });
  const mounted = spawnSync("mount", ["-t", "tmpfs", "-o", `size=${bytes},mode=0700`, "tmpfs", dir], { encoding: "utf8" });
  if (mounted.status !== 0) {
    rmdirSync(dir);
    fail(`mounting a tmpfs was refused (${(mounted.stderr || mounted.error?.message || "").trim()}): ${byHand}`);
  }
  return dir;
}

function unmount(dir: string): void {
  const done = spawnSync("umount", [dir], { encoding: "utf8" });
  if (done.status === 0) rmdirSync(dir);
  else process.stderr.write(`verify:real: could not unmount ${dir} (${done.stderr.trim()}); unmount it by hand\n`);
}

function killGroup(pid: number | undefined): void {
  try {
    if (pid) process.kill(-pid, "SIGKILL");
  } catch {
    // the group ended with the test: nothing left
  }
}
