/**
 * Files in and out of the page: the scenario as `<title>.ts`, a dropped or picked `.ts` file (refused clearly
 * when it is not text or too big), and a run's statedir files and trace.
 */
import { draftTitle } from "../../share/drafts.ts";
import { checkStatedirImage, statedirFileKind, type StatedirImage } from "../../engine/disk/statedir-image.ts";

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

/** Statedir files larger than this together are refused (the statedir's quota would have to be larger still). */
export const MAX_STATEDIR_BYTES = 256 * 1024 * 1024;

/**
 * The files the user chose as a statedir (Files → Open statedir): content.sqlite with or without its WAL. Each is
 * named by what it is (a downloaded file may have been renamed "content (1).sqlite"), and checked as the engine
 * checks a statedir; or one line saying why not.
 */
export async function readStatedirFiles(files: readonly File[]): Promise<{ image: StatedirImage } | { error: string }> {
  const total = files.reduce((sum, file) => sum + file.size, 0);
  if (files.length === 0) return { error: "no file chosen" };
  if (total > MAX_STATEDIR_BYTES) return { error: `the files are ${(total / 2 ** 20).toFixed(1)} MiB together; a statedir opened here may be at most ${MAX_STATEDIR_BYTES / 2 ** 20} MiB` };
  const image: StatedirImage = {};
  for (const file of files) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const name = statedirNameOf(file.name, bytes);
    if (!name) return { error: `${file.name} is neither an SQLite database nor an SQLite write-ahead log` };
    if (name in image) return { error: `two files are ${name} (${file.name} and another): choose one database and at most one WAL` };
    image[name] = bytes;
  }
  try {
    return { image: checkStatedirImage(image, "Open statedir") };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

/** What a chosen file is in the statedir, by its first bytes (and checkpoint.sqlite by its name): undefined if neither. */
function statedirNameOf(fileName: string, bytes: Uint8Array): string | undefined {
  const kind = statedirFileKind(bytes);
  if (kind === "wal") return "content.sqlite-wal";
  if (kind === "database") return fileName === "checkpoint.sqlite" ? "checkpoint.sqlite" : "content.sqlite";
  return undefined;
}
