/**
 * disk.load() in a script: a statedir's files by name, while the instance is down; what it refuses, in one line.
 * (Runs from statedirs real flux-core wrote: statedir-fixtures.test.ts; the CLI's: statedir-cli.test.ts.)
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { run } from "./helpers.ts";

const CLEAN_DB = readFileSync(new URL("./fixtures/real-statedir-0.88/clean/content.sqlite", import.meta.url));

/** The clean fixture's database as a script literal (a script reads no file: it can only carry bytes in its text). */
const CLEAN_DB_LITERAL = `(() => { const hex = "${CLEAN_DB.toString("hex")}"; const b = new Uint8Array(hex.length / 2); for (let i = 0; i < b.length; i++) b[i] = parseInt(hex.substr(2 * i, 2), 16); return b; })()`;

async function failure(body: string): Promise<string | undefined> {
  return (await run(body)).error?.message;
}

describe("disk.load", () => {
  it("loads a database in place of the statedir's own, and flux.start() restores from it", async () => {
    const r = await run(`
      await flux.start();
      await kvs.put("mine", "gone after the load");
      await flux.shutdown();
      const [file] = disk.load({ "content.sqlite": ${CLEAN_DB_LITERAL} });
      log(file.name, file.bytes);
      await flux.start();
      log(await kvs.get("greeting"), await kvs.get("mine").catch((e) => e.errno));
    `);
    expect(r.error).toBeUndefined();
    expect(r.logs).toEqual(["content.sqlite 184320", "hello ENOENT"]);
    expect(r.trace.some((e) => e.kind === "disk" && e.op === "load" && e.bytes === 184320)).toBe(true);
  });

  it("refuses while the instance is up, and files that are no statedir, each in one line", async () => {
    expect(await failure(`await flux.start();\ndisk.load({ "content.sqlite": ${CLEAN_DB_LITERAL} });`)).toBe(
      "disk.load: the instance is run and content-sqlite has the statedir open; flux.shutdown() first",
    );
    expect(await failure(`disk.load({ "content.sqlite": bytes(4096) });`)).toMatch(/^disk.load: content.sqlite is not an SQLite database/);
    expect(await failure(`disk.load({ "content.sqlite-wal": new Uint8Array(0) });`)).toBe("disk.load: content.sqlite is missing (a WAL alone holds no database)");
    expect(await failure(`disk.load({ "fill-1.dat": bytes(10) });`)).toMatch(/^disk.load: "fill-1.dat" is not a statedir file content-sqlite reads/);
    expect(await failure(`disk.load({ "content.sqlite": "text" });`)).toBe("disk.load: content.sqlite must be a Uint8Array");
    expect(await failure(`disk.load([1, 2]);`)).toMatch(/^disk.load: expected files by name/);
  });

  it("a statedir that does not fit is ENOSPC, and nothing of it stays", async () => {
    const r = await run(`
      scenario({ disk: "128 KiB" });
      try { disk.load({ "content.sqlite": ${CLEAN_DB_LITERAL} }); } catch (e) { log(e.errno, e.message); }
      log(disk.files().length);
    `);
    expect(r.logs).toEqual(["ENOSPC disk.load: the statedir's files (184320 bytes) do not fit on the 131072-byte statedir (131072 bytes free)", "0"]);
  });
});
