/**
 * A scenario's policy as flux-core settings: the release whose behaviour it is (0.88, or 0.66 for the
 * "flux-0.66" knobs), then each knob that differs from that release as the setting flux-core has for it (a
 * module argument through the broker config's [modules] table, [kvs] checkpoint-period, a broker attribute).
 * A knob no release has a setting for is a proposal of the playground: it cannot be exported.
 */
import type { Knobs } from "../engine/policy/knobs.ts";
import { PRESETS } from "../engine/policy/presets.ts";

export interface FluxSettings {
  /** flux-core release the test needs (a version note and a skip on any other). */
  release: "0.88" | "0.66";
  /** Broker config (TOML) given to flux start with --config-path, or "" for none. */
  configToml: string;
  /** Broker attributes: -Sname=value. */
  attributes: string[];
  /** One line per knob that no flux-core setting expresses. */
  unexportable: string[];
}

/** The knobs that tell one release's behaviour from another's: they select the release, never a setting. */
const RELEASE_KNOBS = ["checkpointPutFlushes", "kvsSyncFlushes", "kvsUnloadFlushes", "sqliteSchema", "fsckAtStart", "resourceDrainCheckpoint"] as const;

/** Knobs that are a module argument: [module, argument name, value as flux-core writes it]. */
const MODULE_ARGS: Partial<Record<keyof Knobs, [string, string, (v: number) => string]>> = {
  blobSizeLimit: ["content", "blob-size-limit", String],
  flushBatchLimit: ["content", "flush-batch-limit", String],
  purgeTargetSize: ["content", "purge-target-size", String],
  purgeOldEntryMs: ["content", "purge-old-entry", (ms) => String(ms / 1000)],
  maxCheckpoints: ["content-sqlite", "max-checkpoints", String],
};

export function fluxSettings(knobs: Knobs): FluxSettings {
  const old = PRESETS["flux-0.66"].knobs;
  const release = RELEASE_KNOBS.every((k) => knobs[k] === old[k]) ? "0.66" : "0.88";
  const base: Knobs = release === "0.66" ? old : PRESETS.upstream.knobs;
  const moduleArgs = new Map<string, string[]>();
  const attributes: string[] = [];
  const unexportable: string[] = [];
  let kvsTable = "";
  for (const key of Object.keys(knobs) as (keyof Knobs)[]) {
    const value = knobs[key];
    if (value === base[key]) continue;
    const arg = MODULE_ARGS[key];
    if (arg && typeof value === "number") {
      const [module, name, write] = arg;
      moduleArgs.set(module, [...(moduleArgs.get(module) ?? []), `${name}=${write(value)}`]);
    } else if (key === "checkpointPeriodMs" && typeof value === "number") {
      kvsTable = `[kvs]\ncheckpoint-period = "${value}ms"\n`;
    } else if (key === "contentHash") {
      attributes.push(`-Scontent.hash=${String(value)}`);
    } else if (key === "transactionMerge") {
      moduleArgs.set("kvs", [...(moduleArgs.get("kvs") ?? []), `transaction-merge=${value ? 1 : 0}`]);
    } else {
      unexportable.push(`policy knob ${key}: ${JSON.stringify(value)} is not what flux-core ${release} does, and no release has a setting for it (a proposal)`);
    }
  }
  const modules = [...moduleArgs].map(([module, args]) => `[modules.${module}]\nargs = [${args.map((a) => JSON.stringify(a)).join(", ")}]\n`);
  return { release, configToml: [kvsTable, ...modules].filter(Boolean).join("\n"), attributes, unexportable };
}
