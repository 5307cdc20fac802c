/**
 * `npm run bench:scrub-ab -- --css RULES [--dist DIR] [--blocks N]`: does a CSS change make a timeline jump
 * cheaper? One page, one scrub run (the page bench's), then blocks of 10 jumps alternately without (A) and with (B)
 * the rules, traced: the main thread's CPU per jump by kind (script, style, layout, paint) and each variant's wall
 * times (until the next frame is painted, as bench:page's scrub_ms). Alternating inside one page is what makes a
 * few percent visible on a shared machine: two pages, minutes apart, differ by more than that (A against A here
 * differs by 0.4-1 % in CPU per jump, docs/performance.md).
 */
import { readFileSync, rmSync } from "node:fs";
import { parseCommandLine, usageLine, type CommandSpec } from "../src/cli/command-line.ts";
import { openPage, runWithKeyboard, servePage, setScenario } from "../test/browser/launch.ts";
import { median } from "./median.ts";
import { SCRUB_RUN } from "./workloads.ts";

const COMMAND: CommandSpec = {
  name: "bench:scrub-ab",
  positionals: "",
  about: "Timeline jumps without (A) and with (B) the CSS rules, alternating in one page: CPU per jump by kind and wall times.",
  options: {
    css: { type: "string", value: "RULES", help: 'the rules B adds (required; "" compares the page with itself)' },
    dist: { type: "string", value: "DIR", help: "a page already built in DIR (default: build dist/)" },
    blocks: { type: "string", value: "N", help: "blocks of 10 jumps, alternating A and B (default 16)" },
  },
};
const line = parseCommandLine(COMMAND);
const CSS = line.text("css") ?? line.badInput(`--css is required; ${usageLine(COMMAND)}`);
const DIST = line.text("dist");
const BLOCKS = line.wholeNumber("blocks", 2) ?? 16;
const JUMPS_PER_BLOCK = 10;
const KINDS = ["RunTask", "FunctionCall", "UpdateLayoutTree", "Layout", "PrePaint", "Paint"];
const TRACE = `/tmp/scrub-ab-${process.pid}.json`;

const served = await servePage(DIST ? { build: false, outDir: DIST } : {});
try {
  const { page } = await openPage(served);
  await setScenario(page, SCRUB_RUN);
  await runWithKeyboard(page);
  const events = Number(await page.getAttribute('[data-testid="timeline"]', "max")) + 1;
  await served.browser.startTracing(page, { path: TRACE, categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "blink.user_timing"] });
  // (the page function has no named inner functions: tsx would wrap them in a helper the page does not have)
  const wall: Record<"A" | "B", number[]> = await page.evaluate(
    async ({ count, css, blocks, perBlock }) => {
      const input = document.querySelector('[data-testid="timeline"]') as HTMLInputElement;
      const style = Object.assign(document.createElement("style"), { textContent: css });
      const times = { A: [] as number[], B: [] as number[] };
      let x = 12345;
      for (let block = 0; block < blocks; block++) {
        const variant = block % 2 ? "B" : "A";
        if (variant === "B") document.head.append(style);
        else style.remove();
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        performance.mark(`scrub-ab-start-${variant}`);
        for (let k = 0; k < perBlock; k++) {
          x = (x * 1103515245 + 12345) % 2147483648; // bench:page's positions, then on
          const t0 = performance.now();
          input.value = String(x % count);
          input.dispatchEvent(new Event("input", { bubbles: true }));
          await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))); // a task queued from a frame runs after its paint
          times[variant].push(performance.now() - t0);
        }
        performance.mark(`scrub-ab-end-${variant}`);
      }
      return times;
    },
    { count: events, css: CSS, blocks: BLOCKS, perBlock: JUMPS_PER_BLOCK },
  );
  await served.browser.stopTracing();
  const cpu = cpuPerJump(JSON.parse(readFileSync(TRACE, "utf8")).traceEvents, { A: wall.A.length, B: wall.B.length });
  rmSync(TRACE);
  const figures = Object.fromEntries(
    (["A", "B"] as const).map((v) => [v, { ...cpu[v], wall_median_ms: +median(wall[v]).toFixed(1), wall_max_ms: +Math.max(...wall[v]).toFixed(1) }]),
  );
  for (const [v, f] of Object.entries(figures)) console.log(`${v} (${v === "A" ? "as built" : "with the CSS"}):`, Object.entries(f).map(([k, ms]) => `${k} ${ms}`).join(" | "));
  console.log(JSON.stringify({ css: CSS, events, jumps: { A: wall.A.length, B: wall.B.length }, ...figures, dist: DIST ?? "dist" }));
} finally {
  await served.close();
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  pid: number;
  tid: number;
  tdur?: number;
}

/** Thread CPU (ms) per jump by kind, on the renderer's main thread (the one that lays out), within each variant's marks. */
function cpuPerJump(events: TraceEvent[], jumps: Record<"A" | "B", number>): Record<"A" | "B", Record<string, number>> {
  const thread = (e: TraceEvent) => `${e.pid}:${e.tid}`;
  const layouts = new Map<string, number>();
  for (const e of events) if (e.name === "Layout") layouts.set(thread(e), (layouts.get(thread(e)) ?? 0) + 1);
  const main = [...layouts].sort((a, b) => b[1] - a[1])[0]![0];
  const marks = events.filter((e) => e.name.startsWith("scrub-ab-")).sort((a, b) => a.ts - b.ts);
  const spans: { variant: "A" | "B"; from: number; to: number }[] = [];
  for (let i = 0; i + 1 < marks.length; i += 2) spans.push({ variant: marks[i]!.name.endsWith("B") ? "B" : "A", from: marks[i]!.ts, to: marks[i + 1]!.ts });
  const sums = { A: {} as Record<string, number>, B: {} as Record<string, number> };
  for (const e of events) {
    if (thread(e) !== main || e.ph !== "X" || !e.tdur || !KINDS.includes(e.name)) continue;
    const span = spans.find((s) => e.ts >= s.from && e.ts <= s.to);
    if (span) sums[span.variant][e.name] = (sums[span.variant][e.name] ?? 0) + e.tdur / 1000;
  }
  const perJump = (s: Record<string, number>, n: number) => Object.fromEntries(KINDS.map((k) => [`${k}_ms`, +((s[k] ?? 0) / n).toFixed(2)]));
  return { A: perJump(sums.A, jumps.A), B: perJump(sums.B, jumps.B) };
}
