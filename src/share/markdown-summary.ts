/**
 * A comparison as a Markdown comment for a GitHub issue (or Slack, or Discord): the link, each policy and the
 * knobs it changes, the outcomes of the lines where the policies do not all succeed, the dmesg lines that matter,
 * the verdicts and the trace hashes. Compare's "Copy for GitHub" and `npm run compare -- --markdown` both give it.
 *
 * It is kept under the shortest limit of the places it is pasted into (Slack's 40,000 characters; a GitHub
 * comment takes 65,536): what does not fit is cut from the end of the longest parts, and the cut is said.
 */
import { rowsByLine, VERDICT_ROWS, type PresetOutcome } from "../runner/compare-table.ts";

/** GitHub's limit on an issue comment, in characters. */
export const GITHUB_COMMENT_LIMIT = 65_536;
/** Slack's limit on a message, the shorter of the two: the summary is kept under it. */
export const SLACK_MESSAGE_LIMIT = 40_000;
/** Discord's limit on a message: a longer link cannot be posted there. */
export const DISCORD_MESSAGE_LIMIT = 2_000;

export interface SummaryInput {
  /** The scenario's link (a #s= address, or an example's), or undefined when there is none to give. */
  link: string | undefined;
  outcomes: readonly PresetOutcome[];
  /** The scenario's title, when it has one. */
  title?: string;
}

/** Room kept for the link: a longer one is not put in the comment (the script file is the way to share it). */
const MAX_LINK_IN_SUMMARY = 20_000;

export function markdownSummary(input: SummaryInput, limit = SLACK_MESSAGE_LIMIT): string {
  // first everything; then fewer dmesg lines and fewer rows, until it fits
  for (const [rows, dmesg] of [[Infinity, Infinity], [60, 4], [30, 2], [10, 1], [0, 0]] as const) {
    const text = render(input, rows, dmesg);
    if (text.length <= limit) return text;
  }
  return `${render(input, 0, 0).slice(0, limit - 80)}\n\n… (cut at ${limit.toLocaleString("en")} characters: the link has the rest)\n`;
}

function render({ link, outcomes, title }: SummaryInput, maxRows: number, maxDmesg: number): string {
  const out: string[] = [];
  out.push(`### ${title ? `${cell(title)}: ` : ""}compared under ${outcomes.length} ${outcomes.length === 1 ? "policy" : "policies"} (Flux KVS ENOSPC playground)`, "");
  out.push(...linkLines(link), "");
  out.push("**Policies**", "");
  for (const o of outcomes) out.push(`- \`${o.policy}\`${o.knobs.length ? `: knobs ${o.knobs.map((k) => `\`${k}\``).join(", ")}` : ": a preset as it is"}`);
  out.push("", "**Verdicts** (after the script, the other consumers' files are removed, each instance is stopped, killed if it has not stopped after 10 s, and started again)", "");
  out.push(...table(["", ...outcomes.map((o) => o.policy)], VERDICT_ROWS.map(({ label, of }) => [label, ...outcomes.map((o) => o.verdicts[of])])));
  const rows = rowsByLine(outcomes).filter((r) => r.cells.some((c) => c !== "ok"));
  out.push("", "**Outcomes by line** (only the lines where a policy did not simply succeed; — is a line that did not run)", "");
  if (rows.length === 0) out.push("Every line succeeded under every policy.");
  else {
    out.push(...table(["line", ...outcomes.map((o) => o.policy)], rows.slice(0, maxRows).map((r) => [r.label, ...r.cells])));
    if (rows.length > maxRows) out.push("", `… and ${rows.length - maxRows} more lines (the link shows them all).`);
  }
  const stopped = outcomes.filter((o) => o.script !== "ok" || !o.restart.startsWith("ok"));
  if (stopped.length) {
    out.push("", "**Where it stopped**", "");
    for (const o of stopped) {
      if (o.script !== "ok") out.push(`- \`${o.policy}\`: the script stopped: ${inline(o.script)}`);
      if (!o.restart.startsWith("ok")) out.push(`- \`${o.policy}\`: the restart after it ${inline(o.restart)}`);
    }
  }
  const withDmesg = outcomes.filter((o) => o.dmesg.length);
  if (withDmesg.length && maxDmesg > 0) {
    out.push("", "**dmesg** (err and worse, while the script ran)", "");
    for (const o of withDmesg) {
      out.push(`\`${o.policy}\`:`, "```", ...o.dmesg.slice(0, maxDmesg).map((l) => l.replace(/```/g, "'''")), ...(o.dmesg.length > maxDmesg ? [`… ${o.dmesg.length - maxDmesg} more`] : []), "```");
    }
  }
  out.push("", `**Trace hashes** (\`npm run scenario -- FILE --policy …\` gives the same): ${outcomes.map((o) => `\`${o.policy}\` ${o.traceHash || "none (the run was cut short)"}`).join(" · ")}`);
  return `${out.join("\n")}\n`;
}

function linkLines(link: string | undefined): string[] {
  if (!link) return ["No link: the scenario is not shared (press Share in the playground for one)."];
  const length = link.length.toLocaleString("en");
  if (link.length > MAX_LINK_IN_SUMMARY) return [`The link is ${length} characters, too long for a comment: share the script file instead.`];
  const discord = link.length > DISCORD_MESSAGE_LIMIT ? ` The link is ${length} characters: longer than Discord's ${DISCORD_MESSAGE_LIMIT.toLocaleString("en")}, it cannot be posted there.` : "";
  return [`[Open this scenario in the playground](${link}) (it replays the same runs).${discord}`];
}

function table(header: string[], rows: string[][]): string[] {
  return [`| ${header.map(cell).join(" | ")} |`, `|${header.map(() => " --- ").join("|")}|`, ...rows.map((r) => `| ${r.map(cell).join(" | ")} |`)];
}

/** A table cell's text: one line, its pipes escaped, and bounded (a long message reads in "where it stopped"). */
function cell(text: string): string {
  const one = inline(text).replace(/\|/g, "\\|");
  return one.length > 160 ? `${one.slice(0, 159)}…` : one;
}

function inline(text: string): string {
  return text.replace(/\s*\n\s*/g, " ");
}
