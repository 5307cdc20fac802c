/**
 * A run in the page (src/worker/replayed-run.ts) is the run, by either of its realms: the script's op log, replayed
 * on an engine of its own, or the script's calls, carried out one by one over the link (engine-link.ts) by that
 * engine, give the trace hash, events, logs and verdict of running the script directly, for every playground
 * script, for generated scripts of every shape (the runner fuzz's), for random operation sequences under every
 * policy, and for Compare. A log that does not replay as it said it ran ends in one error without a trace hash.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PRESETS, type PresetName } from "../src/engine/policy/presets.ts";
import { compareScenario } from "../src/runner/compare.ts";
import type { ScenarioResult } from "../src/runner/run-scenario.ts";
import { replayedRun, type ScriptRealm } from "../src/worker/replayed-run.ts";
import type { ScriptMessage } from "../src/worker/script-protocol.ts";
import { runForReplay } from "../src/worker/script-run.ts";
import { EngineLink } from "../src/worker/engine-link.ts";
import { decodeValue, encodeValue } from "../src/worker/link-codec.ts";
import type { LinkAnswer, LinkRequest } from "../src/worker/link-protocol.ts";
import { runLinked } from "../src/worker/linked-run.ts";
import { readApiShape } from "./fuzz/api-shape.ts";
import { fuzzScript } from "./fuzz/scripts.ts";
import { run, script, sqlReady } from "./helpers.ts";
import { danglingSearchScript, randomOps, PROPERTY_DISK } from "../src/checker/sequences.ts";

/** The script's realm in this process: its messages cloned and delivered a turn later, as a port would; `tamper` may change each. */
function inProcess(tamper: (message: ScriptMessage) => ScriptMessage = (m) => m): ScriptRealm {
  return (request, listener) => {
    let ended = false;
    void sqlReady.then((sql) =>
      runForReplay(request, sql, (message) => {
        const copy = structuredClone(tamper(message));
        setImmediate(() => !ended && listener.message(copy));
      }),
    );
    return { terminate: () => void (ended = true) };
  };
}

/** A realm without an engine in this process: every request and answer goes through the channel's codec, as the page's pipe carries them; `tamper` may change each request. */
function linkedInProcess(tamper: (request: LinkRequest) => unknown = (r) => r): ScriptRealm {
  return (request, listener) => {
    let ended = false;
    const carried = <T>(value: unknown) => decodeValue(encodeValue(value)) as T;
    const link = new EngineLink({
      ask: (r: LinkRequest) => {
        const answer = ended ? undefined : listener.answer(carried(tamper(r)));
        if (!answer) throw new Error("the run ended: this realm is terminated");
        return carried<LinkAnswer>(answer);
      },
      post: (r: LinkRequest) => void (ended || listener.answer(carried(tamper(r)))),
    });
    setImmediate(() => void runLinked(request, link).catch(() => {}));
    return { terminate: () => void (ended = true) };
  };
}

/** The runs of the last replayed() that started again after a failed speculation. */
let restarts = 0;

/** A linked realm that may settle puts itself (engine-link.ts settleHere()); the run starts again where one fails. */
const speculating = (realm: ScriptRealm): ScriptRealm => Object.assign(realm, { speculates: true });

async function replayed(text: string, realm = inProcess(), overrides = {}): Promise<ScenarioResult> {
  restarts = 0;
  const speculation = "speculates" in realm ? { onRestart: () => restarts++ } : {};
  return replayedRun(text, { sql: await sqlReady, realm, overrides, ...speculation }).result;
}

const REALMS = { replayed: inProcess, linked: () => linkedInProcess(), "speculating linked": () => speculating(linkedInProcess()) };

const essentials = (r: ScenarioResult) => ({ ok: r.ok, error: r.error, traceHash: r.traceHash, events: r.events, logs: r.logs, state: r.state, disk: r.disk });

const SCRIPTS = [
  ...readdirSync("playground-scripts").filter((f) => f.endsWith(".ts")).map((f) => `playground-scripts/${f}`),
  ...readdirSync("playground-scripts/lessons").map((f) => `playground-scripts/lessons/${f}`),
];

describe.each(Object.entries(REALMS))("a %s run is the direct run", (_kind, realmOf) => {
  it.each(SCRIPTS)("%s", async (path) => {
    const text = script(path);
    const direct = await run(text, { retainTrace: false });
    const again = await replayed(text, realmOf());
    expect(essentials(again)).toEqual(essentials(direct));
    expect(again.traceHash).toMatch(/^[0-9a-f]{16}$/);
    // the engine allows a put settled in the realm only where none can fail: no playground script's run starts again
    expect(restarts).toBe(0);
  }, 60_000);

  it("for 60 generated scripts of every shape (wrong arguments, unawaited calls, throws)", async () => {
    const { members, txn } = readApiShape();
    for (let seed = 1; seed <= 60; seed++) {
      const text = fuzzScript(seed, members, txn);
      const direct = await run(text, { retainTrace: false });
      expect(essentials(await replayed(text, realmOf())), `seed ${seed}:\n${text}`).toEqual(essentials(direct));
    }
  }, 120_000);

  it("for a script that does not parse, without starting a realm for it", async () => {
    const text = "await flux.start();\nconst = 1;\n";
    const direct = await run(text, { retainTrace: false });
    let realms = 0;
    const counted: ScriptRealm = (request, listener) => (realms++, realmOf()(request, listener));
    const again = await replayed(text, counted);
    expect(direct.badInput).toBe(true);
    expect(direct.error?.line).toBe(2);
    expect(essentials(again)).toEqual(essentials(direct));
    expect(again.badInput).toBe(true);
    expect(realms).toBe(0);
  });

  it("for random operation sequences under every policy", async () => {
    for (const [n, policy] of (Object.keys(PRESETS) as PresetName[]).entries()) {
      const text = danglingSearchScript(randomOps(100 + n, { length: 28, disk: PROPERTY_DISK }), n + 1);
      const direct = await run(text, { retainTrace: false, overrides: { policy } });
      expect(essentials(await replayed(text, realmOf(), { policy })), `${policy}:\n${text}`).toEqual(essentials(direct));
    }
  }, 120_000);

  it("for Compare: each preset's outcome, with the epilogue run on the replaying side", async () => {
    const sql = await sqlReady;
    const text = script("playground-scripts/first.ts");
    const direct = await compareScenario(text, sql);
    const realm = realmOf();
    const viaReplay = await compareScenario(text, sql, undefined, { runner: (t, opts) => replayedRun(t, { sql, realm, ...opts }).result });
    expect(viaReplay).toEqual(direct);
  }, 120_000);

  it("for overrides, bad input and a script stuck on the simulation", async () => {
    for (const [text, overrides] of [
      ["await flux.start();\nawait kvs.put('a', 1);", { policy: "flux-0.66", seed: 5, disk: "1 MiB" }],
      ["scenario({ policy: 'no-such' });", {}],
      ["const x = ;", {}],
      ["scenario({ disk: '256 KiB', policy: 'flux-0.66' });\nawait flux.start();\ndisk.fill();\nawait kvs.put('k', bytes(90000)).catch(() => {});\nawait kvs.sync();", {}],
    ] as const) {
      const direct = await run(text, { retainTrace: false, overrides });
      expect(essentials(await replayed(text, realmOf(), overrides))).toEqual(essentials(direct));
    }
  });

  it("for a run from a statedir real flux-core wrote, opened (--statedir, Open statedir) or loaded by the script (disk.load)", async () => {
    const killed = new URL("./fixtures/real-statedir-0.88/killed/", import.meta.url);
    const statedir = Object.fromEntries(readdirSync(killed).map((name) => [name, new Uint8Array(readFileSync(new URL(name, killed)))]));
    const opened = "await flux.start();\nlog(await kvs.get('synced'));\nawait flux.shutdown();\ndisk.load({ 'content.sqlite': bytes(4096) });";
    const direct = await run(opened, { retainTrace: false, overrides: { statedir } });
    expect(direct.logs).toEqual(["yes"]);
    expect(direct.error?.message).toMatch(/disk.load: content.sqlite is not an SQLite database/);
    expect(essentials(await replayed(opened, realmOf(), { statedir }))).toEqual(essentials(direct));
  });
});

describe("a log that does not replay as it ran", () => {
  const text = `await flux.start();\nawait kvs.put("a", 1);\nlog(disk.used);\nawait kvs.put("b", bytes(100));`;

  it("a claimed trace hash that is not the replay's: one error, no trace hash", async () => {
    const r = await replayed(text, inProcess((m) => (m.type === "end" ? { ...m, traceHash: "0123456789abcdef" } : m)));
    expect(r.ok).toBe(false);
    expect(r.cutShort).toBe(true);
    expect(r.traceHash).toBe("");
    expect(r.error?.message).toMatch(/^the script changed the realm it ran in/);
  });

  it("an outcome that is not the replay's (a log line forged into the console)", async () => {
    const forged = (m: ScriptMessage): ScriptMessage =>
      m.type === "entries" ? { ...m, entries: m.entries.map((e) => ((e as { op?: { op: string } }).op?.op === "log" ? { ...(e as object), outcome: { value: "verified" } } : e)) } : m;
    const r = await replayed(text, inProcess(forged));
    expect(r.traceHash).toBe("");
    expect(r.error?.message).toMatch(/^the script changed the realm it ran in \(log ended with undefined here and with "verified"/);
  });

  it("an operation that is not the API's, or fsck's own transaction step", async () => {
    const injected = (extra: unknown) => (m: ScriptMessage): ScriptMessage => (m.type === "entries" ? { ...m, entries: [extra, ...m.entries] } : m);
    for (const extra of [
      { kind: "op", op: { op: "eval", code: "1" }, outcome: { value: undefined } },
      { kind: "op", op: { op: "kvs.commit", ops: [{ op: "link", key: "a", treeobj: {} }], sync: undefined, noMerge: undefined }, outcome: { promise: true } },
      { kind: "op", op: { op: "log", text: "x", line: undefined, extra: 1 }, outcome: { value: undefined } },
    ]) {
      const r = await replayed(text, inProcess(injected(extra)));
      expect(r.traceHash).toBe("");
      expect(r.error?.message).toMatch(/^the script's realm sent the engine a message it does not understand/);
    }
  });

  it("a realm that never ends its run is ended at the time limit plus a second, with what it sent", async () => {
    const silent: ScriptRealm = (request, listener) => inProcess((m) => (m.type === "end" ? { type: "entries", entries: [] } : m))(request, listener);
    const started = performance.now();
    const r = await replayedRun(text, { sql: await sqlReady, realm: silent, timeLimitMs: 200 }).result;
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    expect(r.cutShort).toBe(true);
    expect(r.error?.message).toMatch(/the page's run limit; raise it with/);
    expect(r.logs.length).toBe(1);
  });
});

describe("a linked realm's request that is not the protocol's", () => {
  const text = `await flux.start();\nawait kvs.put("a", 1);\nlog(disk.used);\nawait kvs.put("b", bytes(100));`;
  const once = (forged: unknown) => {
    let sent = false;
    return (r: LinkRequest) => (!sent && r.t !== "start" ? ((sent = true), forged) : r);
  };

  it.each([
    ["an operation the API does not have", { t: "call", op: { op: "eval", code: "1" } }],
    ["fsck's own transaction step", { t: "call", op: { op: "kvs.commit", ops: [{ op: "link", key: "a", treeobj: {} }], sync: undefined, noMerge: undefined } }],
    ["a read the API does not have", { t: "view", read: "secret" }],
    ["a queued line that is not a log line", { t: "flush", before: [{ op: "flux.crash", line: 1 }] }],
    ["a request of no known type", { t: "peek" }],
    ["an end of the wrong shape", { t: "end", ending: { error: { message: 5 } }, epilogue: false }],
  ])("%s: one error, no trace hash", async (_what, forged) => {
    const r = await replayed(text, linkedInProcess(once(forged)));
    expect(r.traceHash).toBe("");
    expect(r.error?.message).toMatch(/^the script's realm sent the engine a message it does not understand/);
  });

  it("a step of driving while nothing waits", async () => {
    const r = await replayed(text, linkedInProcess((req) => (req.t === "view" ? { t: "drive" } : req)));
    expect(r.traceHash).toBe("");
    expect(r.error?.message).toMatch(/a step of driving while nothing waited/);
  });
});

describe("a linked realm's requests", () => {
  it("a put once the instance is down is asked, and refused at once as in the CLI", async () => {
    const text = `await flux.start();\nawait flux.shutdown();\nawait kvs.put("a", 1).catch((e) => log(e.errno));`;
    const direct = await run(text, { retainTrace: false });
    expect(direct.logs).toContain("ECONNREFUSED");
    expect(essentials(await replayed(text, linkedInProcess()))).toEqual(essentials(direct));
  });

  it("a queued put that does not wait, as its realm expected it to, ends the run with one error and no trace hash", async () => {
    const put = { op: { op: "kvs.put", key: "a", value: new Uint8Array(1), append: false, sync: undefined, noMerge: undefined }, line: 1, id: 0 };
    const r = await replayed("log(disk.used);", linkedInProcess((request) => (request.t === "view" ? { t: "flush", before: [put] } : request)));
    expect(r.traceHash).toBe("");
    expect(r.error?.message).toMatch(/a queued kvs.put did not wait, as its realm expected/);
  });

  it("bytes(n) is drawn in the realm from the engine's PRNG state, and a put goes with the next request: a loop of puts asks once per step", async () => {
    const text = `await flux.start();\nfor (let i = 0; i < 50; i++) await kvs.put("k" + i, bytes(300));\nlog(bytes(4).join(","));`;
    const asked: Record<string, number> = {};
    const counting = (request: LinkRequest) => ((asked[request.t] = (asked[request.t] ?? 0) + 1), request);
    const direct = await run(text, { retainTrace: false });
    expect(essentials(await replayed(text, linkedInProcess(counting)))).toEqual(essentials(direct));
    // flux.start and the first bytes() (the engine had no PRNG to send before it); each put waits, so it goes with its step
    expect(asked.call).toBe(2);
    expect(asked.drive).toBe(51);
  });
});

describe("a linked realm that settles puts itself", () => {
  const counted = (asked: Record<string, number>) => (request: LinkRequest) => ((asked[request.t] = (asked[request.t] ?? 0) + 1), request);

  it("a loop of puts asks a few times a run, not once a put, and never starts again", async () => {
    const text = `await flux.start();\nfor (let i = 0; i < 600; i++) await kvs.put("k" + (i % 7) + ".v" + i, bytes(300));\nawait sim.settle();\nlog(bytes(4).join(","));`;
    const asked: Record<string, number> = {};
    const direct = await run(text, { retainTrace: false });
    expect(essentials(await replayed(text, speculating(linkedInProcess(counted(asked)))))).toEqual(essentials(direct));
    expect(restarts).toBe(0);
    // without speculation: a step of driving per put, 600 (the test above); here the steps the realm took itself
    // go with the next request, so the engine is asked for one only where its allowance (the disk's room) ran out
    expect(asked.drive).toBeLessThan(30);
    expect(Object.values(asked).reduce((a, b) => a + b)).toBeLessThan(40);
  });

  it("a put's outcome, settled in the realm, reads as the engine's: its keys, its values, JSON, a spread", async () => {
    const text = [
      "await flux.start();",
      "const r = await kvs.put('a', 1);",
      "await kvs.put('b', 2);",
      "const s = await kvs.put('c', 3);",
      "log(JSON.stringify(r), Object.keys(s), s.sequence - r.sequence, typeof r.rootref, 'then' in r, Object.getPrototypeOf(r) === Object.prototype);",
      "log({ ...s }, Object.isFrozen(Object.freeze(r)), Object.getOwnPropertyDescriptor(s, 'sequence'));",
    ].join("\n");
    const direct = await run(text, { retainTrace: false });
    const again = await replayed(text, speculating(linkedInProcess()));
    expect(essentials(again)).toEqual(essentials(direct));
    expect(restarts).toBe(0);
    expect(direct.logs[0]).toMatch(/^\{"rootref":"sha1-[0-9a-f]+","sequence":\d+\} \["rootref","sequence"\] 2 string false true$/);
  });

  it("a disk that fills: puts are settled in the realm while it has room, and asked for once it has not", async () => {
    const text = `scenario({ disk: '2 MiB', policy: 'read-only' });\nawait flux.start();\nlet failed = -1;\nfor (let i = 0; i < 400 && failed < 0; i++) await kvs.put('k' + i, bytes(8000)).catch((e) => { failed = i; log(e.message); });\nlog('failed at', failed);`;
    const direct = await run(text, { retainTrace: false });
    expect(direct.logs).toEqual(["flux_kvs_commit: Read-only file system", "failed at 54"]);
    const asked: Record<string, number> = {};
    expect(essentials(await replayed(text, speculating(linkedInProcess(counted(asked)))))).toEqual(essentials(direct));
    expect(restarts).toBe(0);
    expect(asked.drive).toBeGreaterThan(20);
    expect(asked.drive).toBeLessThan(54);
  });

  it("a put settled in the realm that then fails (here: a realm that says so of the put that fails) starts the run again, which then is the direct run", async () => {
    const text = `scenario({ disk: '2 MiB', policy: 'read-only' });\nawait flux.start();\nlet failed = -1;\nfor (let i = 0; i < 400 && failed < 0; i++) await kvs.put('k' + i, bytes(8000)).catch((e) => { failed = i; log(e.message); });\nlog('failed at', failed);`;
    const direct = await run(text, { retainTrace: false });
    // flux.start() is promise 0, the put of i = 54 promise 55: its step of driving, sent as one the realm took itself
    let forged = false;
    const settledHere = (request: LinkRequest): LinkRequest => {
      if (forged || request.t !== "drive" || !request.before?.some((c) => "id" in c && c.id === 55)) return request;
      forged = true;
      return { t: "flush", before: [...request.before, { until: 55 }] };
    };
    const again = await replayed(text, speculating(linkedInProcess(settledHere)));
    expect(forged).toBe(true);
    expect(restarts).toBe(1);
    expect(essentials(again)).toEqual(essentials(direct));
  });
});
