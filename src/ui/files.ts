/**
 * Files in and out of the page: the scenario as `<title>.ts`, a dropped or picked `.ts` file (refused clearly
 * when it is not text or too big), and a run's statedir files and trace.
 */
import { draftTitle } from "../share/drafts.ts";

/** A file larger than this is refused (a link refuses more than 1 MB too). */
export const MAX_OPEN_BYTES = 1_000_000;

/** Save bytes or text under a name, as the browser's downloads do. */
export function download(data: BlobPart, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = Object.assign(document.createElement("a"), { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The scenario as `<title>.ts`. */
export function downloadText(text: string, type = "text/typescript"): void {
  download(text, `${fileNameOf(draftTitle(text))}.ts`, type);
}

/** A title as a file name any system accepts. */
export function fileNameOf(title: string): string {
  return title.replace(/[^\w.-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 80) || "scenario";
}

/** Read a file the user chose as scenario text, or say in one line why not. */
export async function readScenarioFile(file: File): Promise<{ text: string } | { error: string }> {
  if (file.size > MAX_OPEN_BYTES) return { error: `${file.name} is ${(file.size / 1e6).toFixed(1)} MB; a scenario file may be at most 1 MB.` };
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (bytes.includes(0)) return { error: `${file.name} is not a text file (it contains NUL bytes).` };
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes) };
  } catch {
    return { error: `${file.name} is not UTF-8 text.` };
  }
}
