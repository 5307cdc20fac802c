// npm test's pretest: the browser tests drive Debian's Chromium at /usr/bin/chromium (playwright-core downloads no
// browser). On a fresh machine, as root, install it; otherwise stop at once with the exact command to run.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

const CHROMIUM = "/usr/bin/chromium";
const INSTALL = "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium";

if (!existsSync(CHROMIUM)) {
  if (process.getuid?.() !== 0) {
    console.error(`The browser tests need Chromium at ${CHROMIUM}. Install it, then run npm test again:\n  sudo sh -c '${INSTALL}'`);
    process.exit(1);
  }
  console.error(`Chromium is missing at ${CHROMIUM}: installing it (${INSTALL})`);
  const r = spawnSync("sh", ["-c", INSTALL], { stdio: "inherit" });
  if (r.status !== 0 || !existsSync(CHROMIUM)) {
    console.error(`Installing Chromium failed. Run this as root, then npm test again:\n  ${INSTALL}`);
    process.exit(1);
  }
}
