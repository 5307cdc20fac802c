/**
 * Every file in playground-scripts/ is a conformance case and must run to the
 * end. While they run: the statedir never exceeds its quota, and SQLite's
 * integrity_check passes on the database after every ENOSPC.
 */
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { Broker } from "../src/engine/broker/broker.ts";
import { integrityOfCopy, run, script, sqlReady } from "./helpers.ts";

const DIR = "playground-scripts";
const files = readdirSync(DIR).filter((f) => f.endsWith(".ts")).sort();
/** Checking integrity copies the database; a scenario that fills the disk in a loop needs only a sample. */
const MAX_CHECKS = 25;

describe("playground-scripts", () => {
  it("has conformance scenarios", () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
  });

  for (const file of files) {
    it(file, async () => {
      const sql = await sqlReady;
      const problems: string[] = [];
      let broker: Broker | undefined;
      let checks = 0;
      let enospc = 0;
      const result = await run(script(`${DIR}/${file}`), {
        retainTrace: false,
        onBroker: (b) => {
          broker = b;
          b.trace.onEvent((e) => {
            const used = b.disk.used;
            if (used > b.disk.quota) problems.push(`disk over quota at ${e.t} ms: ${used} > ${b.disk.quota}`);
            if (e.kind === "reply" && e.errno === "ENOSPC") {
              enospc++;
              if (checks++ < MAX_CHECKS) {
                const verdict = integrityOfCopy(sql, b, "/integrity-check");
                if (verdict !== "ok") problems.push(`integrity_check after ENOSPC at ${e.t} ms: ${verdict}`);
              }
            }
            // flux-dump writing a system instance's dump meets a full disk in the filesystem, not in a module's reply
            if (e.kind === "disk" && e.op === "write-refused" && e.errno === "ENOSPC" && e.path.startsWith("statedir/dump/")) enospc++;
          });
        },
        beforeDispose: () => {
          if (broker) {
            const verdict = integrityOfCopy(sql, broker, "/integrity-check");
            if (verdict !== "ok") problems.push(`integrity_check at the end: ${verdict}`);
          }
        },
      });
      expect(result.error).toBeUndefined();
      expect(result.ok).toBe(true);
      expect(problems).toEqual([]);
      // scenarios that fill the disk must really have hit ENOSPC through SQLite
      if (/disk\.fill\(/.test(script(`${DIR}/${file}`))) expect(enospc).toBeGreaterThan(0);
    });
  }
});
