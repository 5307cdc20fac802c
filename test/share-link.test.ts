/**
 * Scenario links (src/share/link.ts): every playground script and random unicode texts survive encode → decode
 * byte for byte; the decoder, fed more than 10^5 hostile inputs (random data, every truncation of real links,
 * character flips, wrong versions, huge inputs, non-base64 text), never throws, always answers, and refuses a
 * zip bomb by its decoded size without decompressing it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { deflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { Prng } from "../src/engine/sim/prng.ts";
import { decodeScenario, encodeScenario, LINK_FORMAT, MAX_DECODED_BYTES, type SharedScenario } from "../src/share/link.ts";
import { ENGINE_VERSION } from "../src/version.ts";

const SCRIPTS = readdirSync("playground-scripts")
  .filter((f) => f.endsWith(".ts"))
  .map((f) => readFileSync(`playground-scripts/${f}`, "utf8"));
const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

const shared = (text: string, extra: Partial<SharedScenario> = {}): SharedScenario => ({ text, settings: {}, engineVersion: ENGINE_VERSION, ...extra });

/** Random text: every ASCII character, and code points from every plane (no lone surrogates: they are not text). */
function randomText(rng: Prng, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) {
    const pick = rng.int(0, 3);
    if (pick === 0) out += String.fromCharCode(rng.int(0, 127));
    else if (pick === 1) out += String.fromCodePoint(rng.int(0x80, 0xd7ff));
    else if (pick === 2) out += String.fromCodePoint(rng.int(0xe000, 0xffff));
    else out += String.fromCodePoint(rng.int(0x10000, 0x10ffff));
  }
  return out;
}

async function expectRefusal(input: string): Promise<string> {
  const result = await decodeScenario(input);
  if (result.ok) return "";
  expect(result.reason).toMatch(/^This link cannot be opened: .+[.?]$/);
  expect(result.reason, "one mark at the end of the sentence").not.toMatch(/[.?!]\.$/);
  expect(result.reason).not.toContain("\n");
  return result.reason;
}

describe("scenario links", () => {
  it("round-trips every playground script with its settings, hash and version", async () => {
    expect(SCRIPTS.length).toBeGreaterThan(10);
    for (const text of SCRIPTS) {
      const scenario = shared(text, { settings: { policy: "read-only", disk: "3 MiB", seed: "42" }, traceHash: "ab12".repeat(16) });
      const value = await encodeScenario(scenario);
      expect(value).toMatch(/^1\.[A-Za-z0-9_-]+$/);
      expect(await decodeScenario(value)).toEqual({ ok: true, scenario });
    }
  });

  it("round-trips 300 random texts with unicode and every ASCII character", async () => {
    const rng = new Prng(7);
    const every = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c)).join("");
    for (let n = 0; n < 300; n++) {
      const text = (n === 0 ? every : "") + randomText(rng, rng.int(0, 2000));
      const result = await decodeScenario(await encodeScenario(shared(text)));
      expect(result.ok && result.scenario.text === text, `text ${n}`).toBe(true);
    }
  });

  it("refuses each kind of bad link with its own reason", async () => {
    const good = await encodeScenario(shared(SCRIPTS[0]!));
    const data = good.slice(2);
    expect(await expectRefusal(`7.${data}`)).toContain("link format 7");
    expect(await expectRefusal(data)).toContain("not a scenario link");
    expect(await expectRefusal(`1.${data.slice(0, 40)}!*${data.slice(40)}`)).toContain("characters a link's data never has");
    expect(await expectRefusal(good.slice(0, good.length - 30))).toMatch(/cut short|altered/);
    expect(await expectRefusal(`1.${"A".repeat(2_000_000)}`)).toContain("too long");
    // a flipped character in the compressed text: either it no longer decompresses, or the checksum catches it
    const flipAt = 200;
    const flipped = `${good.slice(0, flipAt)}${good[flipAt] === "A" ? "B" : "A"}${good.slice(flipAt + 1)}`;
    expect(await expectRefusal(flipped)).toMatch(/altered|cut short/);
  });

  it("refuses a link whose engine version is not a version, or whose author's hash is not a hash, without quoting it", async () => {
    const forged = `0.4.0) ✓ Same result as when shared (verified${"!".repeat(8)}`;
    const reason = await expectRefusal(await encodeScenario(shared("log(1);", { engineVersion: forged })));
    expect(reason).toBe("This link cannot be opened: the engine version it names is not a version (one reads like 0.4.0).");
    for (const version of ["", "1", "1.2", "v1.2.3", "1.2.3 ", "1.2.3-" + "x".repeat(21), "１.２.３"]) {
      expect(await expectRefusal(await encodeScenario(shared("log(1);", { engineVersion: version }))), version).toContain("not a version");
    }
    for (const version of ["0.4.0", "10.20.30", "1.2.3-rc.1"]) expect((await decodeScenario(await encodeScenario(shared("x", { engineVersion: version })))).ok, version).toBe(true);
    const hash = await expectRefusal(await encodeScenario(shared("log(1);", { traceHash: "Same result as when shared" })));
    expect(hash).toContain("is not a trace hash");
  });

  it("refuses a zip bomb by its decoded size, without decompressing it all", async () => {
    // 400 MB of zeros deflate to about 400 KB; the link decoder must stop once past 1 MB
    const bomb = deflateRawSync(Buffer.alloc(400_000_000), { level: 9 });
    const framed = Buffer.concat([Buffer.alloc(4), bomb]);
    const before = process.memoryUsage().rss;
    const started = performance.now();
    const reason = await expectRefusal(`${LINK_FORMAT}.${framed.toString("base64url")}`);
    expect(reason).toContain(`larger than ${MAX_DECODED_BYTES / 1e6} MB once decoded`);
    expect(process.memoryUsage().rss - before).toBeLessThan(64 * 1024 * 1024);
    expect(performance.now() - started).toBeLessThan(5_000); // it stopped early (decompressing 400 MB would take far longer here)
  });

  it("never throws on 10^5 hostile inputs: random data, truncations, flips, wrong versions, non-base64", async () => {
    const rng = new Prng(2026);
    const links = await Promise.all(SCRIPTS.map((text) => encodeScenario(shared(text, { traceHash: "f".repeat(64) }))));
    const inputs: string[] = [];
    // every truncation of every real link
    for (const link of links) for (let cut = 0; cut < link.length; cut++) inputs.push(link.slice(0, cut));
    // character flips in real links
    for (let n = 0; n < 30_000; n++) {
      const link = links[rng.int(0, links.length - 1)]!;
      const at = rng.int(0, link.length - 1);
      inputs.push(link.slice(0, at) + ALPHABET[rng.int(0, 63)] + link.slice(at + 1));
    }
    // random data in the link's alphabet, with the right version and without
    for (let n = 0; n < 30_000; n++) {
      let data = "";
      for (let k = rng.int(0, 300); k > 0; k--) data += ALPHABET[rng.int(0, 63)];
      inputs.push(`${n % 10 === 0 ? rng.int(0, 99) : LINK_FORMAT}.${data}`);
    }
    // arbitrary characters (non-base64, unicode, control characters), and wrong versions of real links
    while (inputs.length < 100_000) {
      inputs.push(inputs.length % 2 ? randomText(rng, rng.int(0, 100)) : `${rng.int(2, 1e6)}.${links[rng.int(0, links.length - 1)]!.slice(2)}`);
    }
    // huge inputs
    inputs.push(`1.${"A".repeat(5_000_000)}`, `1.${"%".repeat(100_000)}`, "9".repeat(1_000_000));
    expect(inputs.length).toBeGreaterThanOrEqual(100_000);
    let accepted = 0;
    for (const input of inputs) {
      const result = await decodeScenario(input);
      if (result.ok) {
        accepted++;
        expect(typeof result.scenario.text).toBe("string");
      } else expect(result.reason.startsWith("This link cannot be opened: ")).toBe(true);
    }
    // only unchanged links decode (a flip to the same character is no flip), so nearly everything is refused
    expect(accepted).toBeLessThan(1_000);
  }, 300_000);
});
