/**
 * A recorded run as a flux-core sharness test in the style of t/t0090-content-enospc.t: test_description,
 * `. sharness.sh`, a skip when the small tmpfs is not mounted, then one test_expect_success per step (or per
 * run of steps on one line, or per loop) whose expected outcome is what the model answered: a value the
 * step compares, test_must_fail and the error's text where the model failed. Blobrefs and root references
 * are compared with each other (the same blob twice, the checkpoint naming the root the kvs had), and with
 * the model's own only where the test writes the very bytes the model stored.
 */
import type { EngineOp } from "../engine/api/engine-ops.ts";
import type { Errno } from "../engine/sim/errno.ts";
import { strerror } from "../engine/sim/errno.ts";
import type { CheckpointInfo, CommitResult, JobsResult, QueueStatus, ShutdownResult } from "../engine/api/types.ts";
import type { Knobs } from "../engine/policy/knobs.ts";
import { dmesgFilterAt, modelCount, type DmesgFilter } from "./dmesg-filter.ts";
import { fluxSettings } from "./policy-settings.ts";
import { withJoins, type CallStep, type DmesgStep, type JoinStep, type Outcome, type Step } from "./recording-port.ts";
import { asText, hereDocument, payloadCommand, printfOf, shq, tmpfsName } from "./shell.ts";
import { groupSteps, signature, type Unit } from "./step-groups.ts";

export interface ExportInput {
  /** The script's file name, for the description. */
  name: string;
  source: string;
  title: string | undefined;
  quota: number;
  knobs: Knobs;
  steps: readonly Step[];
}

/** The test and the size of the tmpfs it needs (bytes), or one line per problem. */
export type ExportOutput = { ok: true; test: string; steps: number; quota: number } | { ok: false; problems: string[] };

/** A piece of the test: its commands, and (for a step of its own) what it expects, in words. */
interface Piece {
  commands: string;
  expects: string;
}

/** Stats fields compared between two reads of the same module: the change the steps between them made. */
const STATS_FIELDS: Record<string, string[]> = { content: ["count", "valid", "dirty"], "content-sqlite": ["object_count"], kvs: [] };

class TestWriter {
  readonly problems: string[] = [];
  private readonly lines: readonly string[];
  private readonly payloads = new Map<string, string>();
  private readonly payloadSetup: string[] = [];
  /** Model values (blobrefs, rootrefs) the test holds in a shell variable, and which. */
  private readonly refs = new Map<string, string>();
  /** The last stats read of each module while this instance runs: its shell file and the model's values. */
  private stats = new Map<string, { file: string; values: Record<string, unknown> }>();
  private counter = 0;
  /** Some payload holds random bytes of the model's size rather than the model's own. */
  private inexact = false;
  private up = false;
  private readonly filters = new Map<DmesgStep, DmesgFilter>();
  /** Calls that run in the background, by their number in the test. */
  private readonly background = new Map<CallStep, number>();

  constructor(private readonly input: ExportInput) {
    this.lines = input.source.split("\n");
    for (const [i, s] of input.steps.entries()) if (s.kind === "call" && s.outcome && s.answeredAfter > i + 1) this.background.set(s, this.background.size + 1);
  }

  filterOf(step: DmesgStep): DmesgFilter {
    let f = this.filters.get(step);
    if (!f) this.filters.set(step, (f = dmesgFilterAt(this.lines, step.line)));
    return f;
  }

  write(): ExportOutput {
    const settings = fluxSettings(this.input.knobs);
    const scenarioLine = this.lines.findIndex((l) => /(^|[^.\w])scenario\s*\(/.test(l)) + 1;
    this.problems.push(...settings.unexportable.map((p) => `line ${scenarioLine || "?"}: ${p}`));
    const units = groupSteps(
      withJoins(this.input.steps),
      (s) => signature(s, (d) => JSON.stringify(this.filterOf(d))),
      (a, b) => modelCount(a, this.filterOf(a)) !== modelCount(b, this.filterOf(b)),
    );
    const tests: string[] = [];
    for (const unit of units) {
      const test = this.unit(unit);
      if (test) tests.push(test);
    }
    if (this.problems.length > 0) return { ok: false, problems: [...new Set(this.problems)] };
    return { ok: true, test: this.assemble(settings, tests), steps: tests.length, quota: this.input.quota };
  }

  private problem(line: number | undefined, what: string): undefined {
    this.problems.push(`line ${line ?? "?"}: ${what}`);
    return undefined;
  }

  private unit(unit: Unit): string | undefined {
    if (unit.kind === "step") {
      const piece = this.step(unit.step, false);
      return piece && testBlock(`line ${unit.step.line ?? "?"}: ${piece.expects}`, piece.commands);
    }
    const lines = [...unit.body, ...(unit.until ? [unit.until] : [])].map((s) => s.line ?? 0);
    const where = `lines ${Math.min(...lines)}-${Math.max(...lines)}`;
    if (unit.until) return this.until(unit.body, unit.count, where);
    const body = this.loopBody(unit.body);
    if (!body) return undefined;
    const commands = `i=0 &&\nwhile test $i -lt ${unit.count}; do\n${indent(body)} || break\n\ti=$((i + 1))\ndone &&\ntest $i -eq ${unit.count}`;
    return testBlock(`${where}: ${unit.count} rounds, each as in the model (${unit.body.length} steps)`, commands);
  }

  /** The steps of a loop's round (no per-step checks of values: a round is the same each time). */
  private loopBody(steps: readonly Step[]): string | undefined {
    const pieces = steps.map((s) => this.step(s, true));
    if (pieces.some((p) => !p)) return undefined;
    return pieces.map((p) => p!.commands).join(" &&\n");
  }

  private until(body: Step[], count: number, where: string): string | undefined {
    const head = body[0] as DmesgStep;
    const filter = this.filterOf(head);
    if (filter.kind === "unknown") return this.problem(head.line, filter.why);
    const inLoop = modelCount(head, filter);
    const rest = this.loopBody(body.slice(1));
    if (rest === undefined) return undefined;
    const count_ = dmesgCount(filter);
    // the script's own bound is not visible here: give Flux 20 times the model's rounds, so a model far off still ends
    const limit = Math.max(100, count * 20);
    const commands =
      `n=0 &&\nwhile test $(${count_}) -eq ${inLoop} && test $n -lt ${limit}; do\n${indent(rest)} || break\n\tn=$((n + 1))\ndone &&\n` +
      `echo "flux: $n rounds until the log changed; the model: ${count}" &&\ntest $(${count_}) -ne ${inLoop}`;
    return testBlock(`${where}: rounds until dmesg has ${describeFilter(filter)} (the model: ${count} rounds)`, commands);
  }

  /** One step as commands and what it expects; `inLoop`: a round of a loop, where only failures are checked. */
  private step(step: Step, inLoop: boolean): Piece | undefined {
    if (step.kind === "dmesg") return this.dmesgRead(step);
    if (step.kind === "join") return this.join(step);
    const { outcome, op, line } = step;
    if (!outcome) return this.problem(line, `${op.op}: the model never answered this call, so there is no outcome to expect`);
    if (this.background.has(step)) return this.launch(step, outcome);
    const piece = this.call(step, outcome, inLoop);
    if (!piece) return undefined;
    if (outcome.ok) return piece;
    const text = outcome.errno ? strerror(outcome.errno as Errno) : outcome.message;
    const err = this.next("err");
    return {
      commands: `test_must_fail ${firstCommand(piece.commands)} 2>${err} &&\ncat ${err} &&\ngrep ${shq(text)} ${err}`,
      expects: `${piece.expects} fails: ${text}${outcome.errno ? ` (${outcome.errno})` : ""}`,
    };
  }

  /** A call the model answered only after later steps: started in the background here, checked at its join. */
  private launch(step: CallStep, outcome: Outcome): Piece | undefined {
    const piece = this.call(step, outcome, true);
    if (!piece) return undefined;
    const n = this.background.get(step)!;
    return { commands: `{ ${firstCommand(piece.commands)} >out.bg${n} 2>err.bg${n}; echo $? >rc.bg${n}; } &
bg${n}=$!`, expects: `${piece.expects}, in the background (answered later)` };
  }

  private join(step: JoinStep): Piece {
    const n = this.background.get(step.call)!;
    const outcome = step.call.outcome!;
    const text = outcome.ok ? "" : outcome.errno ? strerror(outcome.errno as Errno) : outcome.message;
    const commands = `wait $bg${n}
cat out.bg${n} err.bg${n} &&
echo "flux: exit code $(cat rc.bg${n})" &&
${outcome.ok ? `test $(cat rc.bg${n}) -eq 0` : `test $(cat rc.bg${n}) -ne 0 &&
grep ${shq(text)} err.bg${n}`}`;
    return { commands, expects: `the call of line ${step.line ?? "?"} ${outcome.ok ? "succeeds" : `fails: ${text}`}` };
  }

  private dmesgRead(step: DmesgStep): Piece | undefined {
    const filter = this.filterOf(step);
    if (filter.kind === "unknown") return this.problem(step.line, filter.why);
    const n = modelCount(step, filter);
    if (filter.kind === "all") return { commands: "flux dmesg >/dev/null", expects: `flux dmesg (the whole log: read, not compared; the model had ${n} lines)` };
    return { commands: `echo "flux: $(${dmesgCount(filter)}) lines" &&\ntest $(${dmesgCount(filter)}) -eq ${n}`, expects: `dmesg has ${n} line${n === 1 ? "" : "s"} with ${describeFilter(filter)}` };
  }

  private next(prefix: string): string {
    return `${prefix}.${++this.counter}`;
  }

  /** A shell word for a model value the test already holds (a blobref), else the value itself. */
  private ref(value: unknown): string {
    const known = typeof value === "string" ? this.refs.get(value) : undefined;
    return known ? `"${known}"` : shq(String(value));
  }

  /** Keep a model value in a shell variable; a value seen before is compared with it instead. */
  private bind(modelValue: string, variable: string, exact: boolean): string {
    const known = this.refs.get(modelValue);
    if (known) return `test "$${variable}" = "${known}"`;
    this.refs.set(modelValue, `$${variable}`);
    return exact ? `test "$${variable}" = ${modelValue}` : "";
  }

  private payload(bytes: Uint8Array): { file: string; exact: boolean } {
    const file = this.payloads.get(payloadKey(bytes));
    const { command, exact } = payloadCommand(bytes, `payload.${this.payloads.size + 1}`);
    if (file) return { file, exact };
    const name = `payload.${this.payloads.size + 1}`;
    this.payloads.set(payloadKey(bytes), name);
    this.payloadSetup.push(command);
    this.inexact ||= !exact;
    return { file: name, exact };
  }

  private call(step: CallStep, outcome: Outcome, inLoop: boolean): Piece | undefined {
    const { op, line } = step;
    const value = outcome.ok ? outcome.value : undefined;
    const check = (commands: string, expects: string, checks: string[] = []): Piece => ({
      commands: [commands, ...(outcome.ok && !inLoop ? checks.filter(Boolean) : [])].join(" &&\n"),
      expects,
    });
    switch (op.op) {
      case "flux.start":
        this.up = outcome.ok;
        this.stats = new Map();
        return check("flux_instance_start", "flux start (rc1 done, the initial program runs)");
      case "flux.shutdown": {
        const code = (value as ShutdownResult | undefined)?.exitCode ?? 1;
        this.up = false;
        return { commands: `flux_instance_stop ${code}`, expects: `the initial program ends; flux start exits ${code}` };
      }
      case "flux.crash":
        this.up = false;
        return { commands: "flux_instance_crash", expects: "kill -9 of the broker (power loss)" };
      case "kvs.put":
        return this.kvsPut(line, [{ key: String(op.key), value: op.value, append: op.append }], op.sync === true, op.noMerge === true, check);
      case "kvs.commit": {
        if (op.ops.some((o) => o.op !== "put")) return this.problem(line, "kvs.commit of a transaction with more than puts: flux kvs commits puts only in one transaction");
        const puts = op.ops.map((o) => ({ key: o.key, value: (o as { value: Uint8Array }).value, append: (o as { append?: boolean }).append === true }));
        return this.kvsPut(line, puts, op.sync === true, op.noMerge === true, check);
      }
      case "kvs.unlink":
      case "kvs.mkdir":
        return check(`flux kvs ${op.op === "kvs.unlink" ? "unlink" : "mkdir"} ${shq(String(op.key))}`, `${op.op}(${JSON.stringify(op.key)})`);
      case "kvs.symlink":
        return check(`flux kvs link ${shq(op.target)} ${shq(String(op.key))}`, `kvs.symlink(${JSON.stringify(op.key)})`);
      case "kvs.sync":
        return check("flux kvs sync", "flux kvs sync (flush, then checkpoint)");
      case "kvs.getroot": {
        const root = value as CommitResult | undefined;
        const v = this.next("root").replace(".", "_");
        return check(`flux kvs getroot -s >seq.${this.counter}`, `the root's sequence is ${root?.sequence ?? "?"}`, root ? [`cat seq.${this.counter}`, `test "$(cat seq.${this.counter})" = ${root.sequence}`, `${v}=$(flux kvs getroot -b)`, this.bind(root.rootref, v, false)] : []);
      }
      case "kvs.get":
        return this.kvsGet(String(op.key), value, check);
      case "kvs.ls": {
        const names = (value as string[] | undefined) ?? [];
        const out = this.next("ls");
        return check(`flux kvs ls -1 ${shq(String(op.dir))} >${out}`, `kvs.ls(${JSON.stringify(op.dir)}) lists ${names.length} names`, [`cat ${out}`, `${printfOf(names.map((n) => `${n}\n`).join(""))} | test_cmp - ${out}`]);
      }
      case "content.store": {
        if (!(op.data instanceof Uint8Array)) return this.problem(line, "content.store: the data is neither a string nor a Uint8Array");
        const p = this.payload(op.data);
        const v = this.next("ref").replace(".", "_");
        return check(`flux content store <${p.file} >${v}`, `content store of ${op.data.length} bytes`, typeof value === "string" ? [`${v}=$(cat ${v})`, `echo "$${v}"`, this.bind(value, v, p.exact)] : []);
      }
      case "content.load": {
        const out = this.next("load");
        const bytes = value instanceof Uint8Array ? value : undefined;
        return check(`flux content load ${this.ref(op.ref)} >${out}`, `content load gives ${bytes ? `${bytes.length} bytes` : "the blob"}`, bytes ? [this.sameBytes(bytes, out)] : []);
      }
      case "content.flush":
        return check("flux content flush", "flux content flush");
      case "content.dropcache":
        return check("flux content dropcache", "flux content dropcache");
      case "content.stats":
        return this.moduleStats("content", value, check);
      case "flux.stats":
        return this.moduleStats(String(op.module), value, check);
      case "flux.checkpoints":
        return this.checkpoints(value as CheckpointInfo[] | undefined, check);
      case "flux.fsck":
        return this.fsck(op, value as { ok?: boolean } | undefined, check);
      case "flux.module":
        return check(`flux module ${op.verb} ${shq(String(op.name))}`, `flux module ${op.verb} ${String(op.name)}`);
      case "jobs.submit":
        return this.jobs(op, value as JobsResult | undefined, check);
      case "sim.advance": {
        const ms = Number(op.ms);
        if (ms < 1000 && ms > 0 && !inLoop) return this.problem(line, `sim.advance(${ms}): virtual time finer than a second has no counterpart in a test of real Flux`);
        return { commands: `sleep ${ms / 1000}`, expects: `${ms / 1000} s pass` };
      }
      case "sim.settle":
        return { commands: "sleep 1", expects: "background work (write-back) given a second" };
      case "disk.fill":
        return this.fill(op, value as { name: string; bytes: number } | undefined, check);
      case "disk.remove":
        return check(`rm "$statedir"/${shq(String(op.name))}`, `another consumer's file ${String(op.name)} removed`);
      case "disk.setQuota":
        return check(`mount -o remount,size=${Number(outcome.ok ? step.op.op === "disk.setQuota" && sizeOf(op.size) : 0)} "$fs"`, `the statedir's filesystem resized (remount, as root)`);
      case "disk.failNextWrite":
        return this.problem(line, "disk.failNextWrite(): an injected write fault has no counterpart in a test of real Flux");
      case "flux.readWrite":
        return this.problem(line, "flux.readWrite(): the read-only policy's way back is a proposal no flux-core release has");
      case "flux.setReadOnly":
        return this.problem(line, "flux.setReadOnly(): a read-only flag per level is a proposal of #6236 no flux-core release has");
      case "flux.queue":
        return this.queue(op, value as QueueStatus | undefined, check);
      default:
        return this.problem(line, `${op.op}: no flux-core command for it`);
    }
  }

  private kvsPut(line: number | undefined, puts: { key: string; value: Uint8Array; append: boolean }[], sync: boolean, noMerge: boolean, check: (c: string, e: string) => Piece): Piece | undefined {
    if (noMerge) return this.problem(line, "noMerge: flux kvs put has no option for FLUX_KVS_NO_MERGE");
    if (puts.some((p) => p.append !== puts[0]!.append)) return this.problem(line, "kvs.commit mixing appends and puts: flux kvs put takes one --append for all");
    const raw = puts.some((p) => asText(p.value) === undefined || asText(p.value)!.includes("\n"));
    const args = puts.map((p) => (raw ? `${shq(p.key)}=@${this.payload(p.value).file}` : `${shq(p.key)}=${shq(asText(p.value)!)}`));
    if (raw && puts.length > 1) return this.problem(line, "kvs.commit of several binary values: flux kvs put --raw takes one value from a file");
    const flags = `${sync ? " --sync" : ""}${puts[0]?.append ? " --append" : ""}`;
    const cmd = raw ? `flux kvs put${flags} --raw ${shq(puts[0]!.key)}=- <${this.payload(puts[0]!.value).file}` : `flux kvs put${flags} ${args.join(" ")}`;
    return check(cmd, `flux kvs put${flags} of ${puts.map((p) => p.key).join(", ")}`);
  }

  private kvsGet(key: string, value: unknown, check: (c: string, e: string, checks?: string[]) => Piece): Piece {
    const out = this.next("get");
    if (value instanceof Uint8Array) return check(`flux kvs get --raw ${shq(key)} >${out}`, `kvs get ${key} gives ${value.length} bytes`, [this.sameBytes(value, out)]);
    const text = typeof value === "string" ? value : JSON.stringify(value);
    return check(`flux kvs get ${shq(key)} >${out}`, `kvs get ${key}${text === undefined ? "" : ` is ${JSON.stringify(text)}`}`, text === undefined ? [] : [`cat ${out}`, `${printfOf(`${text}\n`)} | test_cmp - ${out}`]);
  }

  /** A check that `file` holds these bytes: the payload file they were written from, or a file of them. */
  private sameBytes(bytes: Uint8Array, file: string): string {
    // a blob the test did not store itself (a directory) names the blobs in it: once one of them holds random bytes
    // in place of the model's, only its size can be the model's
    if (this.inexact && !this.payloads.has(payloadKey(bytes))) return `test $(wc -c <${file}) -eq ${bytes.length}`;
    const p = this.payload(bytes);
    return p.exact ? `cmp ${p.file} ${file}` : `cmp ${p.file} ${file} # the bytes this test stored`;
  }

  /** `flux queue`: enable and disable as Flux's command takes them; status checked by its first line. */
  private queue(op: Extract<EngineOp, { op: "flux.queue" }>, status: QueueStatus | undefined, check: (c: string, e: string, checks?: string[]) => Piece): Piece {
    if (op.action === "enable") return check("flux queue enable", "job submission enabled");
    if (op.action === "disable") return check(`flux queue disable --message=${shq(String(op.reason))}`, `job submission disabled: ${String(op.reason)}`);
    const out = this.next("queue");
    const first = status?.enabled ? "Job submission is enabled" : `Job submission is disabled: ${status?.reason ?? ""}`;
    return check(`flux queue status >${out}`, `flux queue status: ${first}`, status ? [`cat ${out}`, `head -n1 ${out} | grep -qxF ${shq(first)}`] : []);
  }

  private moduleStats(module: string, value: unknown, check: (c: string, e: string, checks?: string[]) => Piece): Piece {
    const out = this.next("stats");
    const values = (value ?? {}) as Record<string, unknown>;
    const fields = STATS_FIELDS[module] ?? [];
    const before = this.stats.get(module);
    this.stats.set(module, { file: out, values });
    const jq = (f: string, file: string) => `$(jq .${JSON.stringify(f)} ${file})`;
    // absolute counts include what rc1 and the job services stored, which the model follows only in kind: compare changes
    const checks = before
      ? fields.map((f) => `test $((${jq(f, out)} - ${jq(f, before.file)})) -eq ${Number(values[f]) - Number(before.values[f])}`)
      : fields.filter((f) => f === "dirty" && values[f] === 0).map((f) => `test ${jq(f, out)} -eq 0`);
    const changes = before ? fields.map((f) => `${f} ${signed(Number(values[f]) - Number(before.values[f]))}`).join(", ") : fields.filter((f) => f === "dirty" && values[f] === 0).map(() => "dirty 0").join("");
    const shown = fields.map((f) => `${f} $(jq .${JSON.stringify(f)} ${out})`).join(", ");
    return check(`flux module stats ${shq(module)} >${out} &&\necho "flux: ${shown}"`, `flux module stats ${module}${changes ? `: ${changes}` : ""}`, checks);
  }

  private checkpoints(list: CheckpointInfo[] | undefined, check: (c: string, e: string, checks?: string[]) => Piece): Piece {
    const out = this.next("checkpoints");
    const sequences = (list ?? []).map((c) => c.sequence);
    const checks = [`awk "NR > 1 {print \\$2}" ${out} >${out}.seq`, `printf "%s\\n" ${sequences.join(" ")} | sed "/^$/d" | test_cmp - ${out}.seq`];
    (list ?? []).forEach((c, i) => {
      const v = `${out.replace(".", "_")}_${i}`;
      checks.push(`${v}=$(awk "NR == ${i + 2} {print \\$4}" ${out})`, this.bind(c.rootref, v, false));
    });
    // while the instance is down the list is read from the statedir, as an admin would: a recovery instance
    const list_ = this.up ? `flux content checkpoint list` : `flux start --recovery="$statedir" flux content checkpoint list`;
    return check(`${list_} >${out}`, `checkpoint list: sequences ${sequences.join(", ") || "(none)"}`, [`cat ${out}`, ...checks]);
  }

  private fsck(op: Extract<EngineOp, { op: "flux.fsck" }>, report: { ok?: boolean } | undefined, check: (c: string, e: string) => Piece): Piece {
    const args = `${op.repair ? " --repair" : ""}${op.rootref ? ` --rootref=${this.ref(op.rootref)}` : ""}`;
    const cmd = this.up ? `flux fsck${args}` : `flux start --recovery="$statedir" flux fsck${args}`;
    if (report && report.ok === false) return { commands: `test_must_fail ${cmd}`, expects: "flux fsck finds missing blobs" };
    return check(cmd, `flux fsck${args} finds nothing missing`);
  }

  private jobs(op: Extract<EngineOp, { op: "jobs.submit" }>, result: JobsResult | undefined, check: (c: string, e: string, checks?: string[]) => Piece): Piece | undefined {
    const n = op.n === undefined ? 1 : Number(op.n);
    const output = typeof op.output === "string" ? op.output : (result?.output[0] ?? "0123456789\n");
    const seconds = typeof op.runtimeMs === "number" ? op.runtimeMs / 1000 : 0;
    const program = seconds > 0 ? `sh -c ${shq(`${printfOf(output)}; sleep ${seconds}`)}` : printfOf(output);
    if (op.concurrency !== undefined && Number(op.concurrency) < n) return this.problem(undefined, "jobs.submit with a concurrency below n: flux submit has no such limit");
    if (n === 1) {
      const out = this.next("job");
      return check(`flux run ${program} >${out}`, `flux run (a job)`, [`${printfOf(output)} | cmp - ${out}`]);
    }
    return check(`flux submit --quiet --wait --cc=1-${n} ${program} >/dev/null`, `flux submit --cc=1-${n} --wait (${n} jobs)`);
  }

  private fill(op: Extract<EngineOp, { op: "disk.fill" }>, file: { name: string; bytes: number } | undefined, check: (c: string, e: string) => Piece): Piece {
    const name = file?.name ?? (typeof op.name === "string" ? op.name : "fill");
    if (op.size === undefined) return { commands: `{ dd if=/dev/zero of="$statedir"/${shq(name)} bs=4096 2>dd.err || grep "No space left on device" dd.err; }`, expects: `another consumer fills the disk (${file?.bytes ?? "?"} bytes in the model)` };
    return check(`fallocate -l ${file?.bytes ?? sizeOf(op.size)} "$statedir"/${shq(name)}`, `another consumer writes ${file?.bytes ?? "?"} bytes (${name})`);
  }

  private assemble(settings: ReturnType<typeof fluxSettings>, tests: string[]): string {
    const { quota, title, name } = this.input;
    const dir = `/test/${tmpfsName(quota)}`;
    const startArgs = [...settings.attributes.map((a) => `${settings.release === "0.66" ? "-o," : ""}${a}`), ...(settings.configToml ? ["--config-path=$PWD/conf.toml"] : [])];
    const setup = [
      `rm -rf "$fs"/* &&\nmkdir "$statedir"`,
      INITIAL_PROGRAM,
      ...(settings.configToml ? [hereDocument("cat >conf.toml", settings.configToml)] : []),
      ...this.payloadSetup,
    ].join(" &&\n");
    const o = settings.release === "0.66" ? "-o," : "";
    return [
      "#!/bin/sh",
      "",
      `test_description=${shq(`${title ?? name}: exported from the Flux ENOSPC playground (${name}); each step expects what the model did`)}`,
      "",
      "# Append --logfile option if FLUX_TESTS_LOGFILE is set in environment:",
      'test -n "$FLUX_TESTS_LOGFILE" && set -- "$@" --logfile --debug',
      ". `dirname $0`/sharness.sh",
      "",
      `# the model's statedir filesystem holds ${quota} bytes: a tmpfs of that size, where flux-core's tests mount theirs`,
      `fs=\${FLUX_TEST_TMPFS:-${dir}}`,
      'if ! ls "$fs" >/dev/null; then',
      `\tskip_all="skipping: no ${tmpfsName(quota).slice(6)} tmpfs directory mounted at $fs"`,
      "\ttest_done",
      "fi",
      'statedir="$fs/statedir"',
      ...(settings.release === "0.66"
        ? ["", "# the policy is flux-core 0.66.0's (Sep 2024): later releases flush before every checkpoint", "if ! flux version | grep -q '^commands:.*0\\.66\\.'; then", '\tskip_all="skipping: the policy is flux-core 0.66\'s; this is $(flux version | head -1)"', "\ttest_done", "fi"]
        : []),
      "",
      "# The instance runs in the background while the steps talk to it (FLUX_URI): its initial program writes",
      "# the URI and waits for ./stop (its end, as a script given to flux start ends) or for the broker to go.",
      `FLUX_START_ARGS="${startArgs.join(" ")}"`,
      "flux_instance_start() {",
      "\tstarts=$((${starts:-0} + 1)) &&",
      "\trm -f uri stop &&",
      `\t{ flux start $FLUX_START_ARGS ${o}-Sstatedir="$statedir" ${o}-Slog-filename="$PWD/broker-$starts.log" ./initial-program.sh >broker-$starts.out 2>&1 & }`,
      "\tbroker_pid=$!",
      "\twhile test ! -e uri && kill -0 $broker_pid 2>/dev/null; do sleep 0.1; done",
      "\ttest -e uri || { wait $broker_pid; cat broker-$starts.out; return 1; }",
      "\tFLUX_URI=$(cat uri) && export FLUX_URI",
      "}",
      "flux_instance_stop() {",
      "\ttouch stop &&",
      "\twait $broker_pid",
      "\tcode=$?",
      "\tunset FLUX_URI",
      '\techo "flux: flux start exited $code" &&',
      "\ttest $code -eq $1",
      "}",
      "flux_instance_crash() {",
      "\tkill -9 $(flux getattr broker.pid) &&",
      "\twait $broker_pid",
      "\tunset FLUX_URI",
      "}",
      "# the model's dmesg spans every start of the instance; flux dmesg keeps one start's last ~1,024 lines: grep the log files",
      'flux_log_count() { cat broker-*.log 2>/dev/null | grep -c "$@"; }',
      "",
      testBlock("create the statedir on the small tmpfs, and the payloads", setup),
      ...tests,
      "",
      "# an instance the steps left running ends with the test",
      'test -n "$FLUX_URI" && touch stop && wait $broker_pid',
      "test_done",
      "",
    ].join("\n");
  }
}

/** The initial program of every start: it writes the instance's URI for the steps, then waits for ./stop or the broker's end. */
const INITIAL_PROGRAM = [
  "cat >initial-program.sh <<-\\EOT &&",
  "#!/bin/sh",
  "printenv FLUX_URI >uri.new && mv uri.new uri",
  "while test ! -e stop && kill -0 $PPID 2>/dev/null; do sleep 0.1; done",
  "EOT",
  "chmod +x initial-program.sh",
].join("\n");

function payloadKey(bytes: Uint8Array): string {
  return `${bytes.length}:${btoa(String.fromCharCode(...bytes.subarray(0, 1 << 16)))}`;
}

function sizeOf(size: unknown): number {
  return typeof size === "number" ? size : Number.NaN;
}

function signed(n: number): string {
  return n >= 0 ? `+${n}` : String(n);
}

function dmesgCount(filter: DmesgFilter): string {
  if (filter.kind === "fixed") return `flux_log_count -F -- ${shq(filter.text)}`;
  if (filter.kind === "regex") return `flux_log_count -E ${filter.flags.includes("i") ? "-i " : ""}-- ${shq(filter.source)}`;
  if (filter.kind === "level") return `flux_log_count -E -- ${shq(`\\.(${LEVELS.slice(0, LEVELS.indexOf(filter.level) + 1).join("|")})\\[`)}`;
  return "flux_log_count ''";
}

/** syslog's levels, most severe first: a level filter keeps its own and the worse ones. */
const LEVELS = ["emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"];

function describeFilter(filter: DmesgFilter): string {
  return filter.kind === "fixed" ? `"${filter.text}"` : filter.kind === "regex" ? `/${filter.source}/` : filter.kind === "level" ? `level ${filter.level} or worse` : "any line";
}

/** The step's first command (what test_must_fail wraps): checks after it do not run for a failure. */
function firstCommand(commands: string): string {
  return commands.split(" &&\n")[0]!;
}

function indent(text: string): string {
  return text.replace(/^/gm, "\t");
}

function testBlock(title: string, commands: string): string {
  return `\ntest_expect_success ${shq(title)} ${shq(`\n${indent(commands)}\n`)}`;
}

export function writeSharnessTest(input: ExportInput): ExportOutput {
  return new TestWriter(input).write();
}
