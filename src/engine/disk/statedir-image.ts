/**
 * A statedir as files: brought onto the quota filesystem (a statedir real flux-core wrote, one saved from an
 * earlier run) and taken off it again (the CLI's --save-statedir). Only content-sqlite's files come in: the
 * database, its WAL (a broker killed before its WAL was checkpointed leaves its data there) and the separate
 * checkpoint database of policy checkpointDb "separate". They are checked for what they claim to be, so a
 * wrong file is one clear error and not a "file is not a database" from deep inside rc1.
 */
import { FluxError } from "../sim/errno.ts";
import { DUMP_DIR, type Disk } from "./disk.ts";

/** File name -> bytes, as a statedir directory holds them. */
export type StatedirImage = Record<string, Uint8Array>;

/** SQLite's database header (https://sqlite.org/fileformat.html §1.3) and the two WAL magic numbers (§4.1). */
const DATABASE_MAGIC = "SQLite format 3\0";
const WAL_MAGICS = [0x377f0682, 0x377f0683];

const DATABASE = "content.sqlite";
const KINDS: Record<string, "database" | "wal"> = { [DATABASE]: "database", "content.sqlite-wal": "wal", "checkpoint.sqlite": "database" };

/** The names a statedir image may hold, for error messages and the page's file picker. */
export const STATEDIR_FILE_NAMES = Object.keys(KINDS);

/** Refuse an image that is not content-sqlite's files: one line naming the file and what is wrong with it. */
export function checkStatedirImage(image: unknown, what: string): StatedirImage {
  if (typeof image !== "object" || image === null || Array.isArray(image)) throw new FluxError("EINVAL", `${what}: expected files by name, e.g. { "content.sqlite": bytes }`);
  const files = image as Record<string, unknown>;
  for (const [name, bytes] of Object.entries(files)) {
    const kind = KINDS[name];
    if (!kind) throw new FluxError("EINVAL", `${what}: ${JSON.stringify(name)} is not a statedir file content-sqlite reads (${STATEDIR_FILE_NAMES.join(", ")})`);
    if (!(bytes instanceof Uint8Array)) throw new FluxError("EINVAL", `${what}: ${name} must be a Uint8Array`);
    const problem = kind === "database" ? databaseProblem(bytes) : walProblem(bytes);
    if (problem) throw new FluxError("EINVAL", `${what}: ${name} ${problem}`);
  }
  if (!(DATABASE in files)) throw new FluxError("EINVAL", `${what}: ${DATABASE} is missing (a WAL alone holds no database)`);
  return files as StatedirImage;
}

/** What a file is by its first bytes: an SQLite database, a write-ahead log, or neither. */
export function statedirFileKind(bytes: Uint8Array): "database" | "wal" | undefined {
  if (String.fromCharCode(...bytes.subarray(0, DATABASE_MAGIC.length)) === DATABASE_MAGIC) return "database";
  const magic = bytes.length >= 4 ? new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0) : -1;
  return WAL_MAGICS.includes(magic) ? "wal" : undefined;
}

function databaseProblem(bytes: Uint8Array): string | undefined {
  return statedirFileKind(bytes) === "database" ? undefined : `is not an SQLite database (its first bytes are not "SQLite format 3")`;
}

function walProblem(bytes: Uint8Array): string | undefined {
  // an empty WAL is what a clean close leaves when the file is kept: nothing to replay
  return bytes.length === 0 || statedirFileKind(bytes) === "wal" ? undefined : "is not an SQLite write-ahead log (no WAL magic number)";
}

/**
 * Put `image` into the statedir in place of content-sqlite's files there (the instance must be down: nothing
 * has them open). The files take their space on the quota filesystem as any write does; if they do not fit,
 * nothing of them stays and the error says how much was needed.
 */
export function loadStatedir(disk: Disk, image: StatedirImage, what: string): number {
  for (const name of STATEDIR_FILE_NAMES) if (disk.exists(name)) disk.fs.unlink(disk.path(name));
  let total = 0;
  try {
    for (const [name, bytes] of Object.entries(image)) {
      // a write that reaches the last free page is cut short, not refused (tmpfs): only a whole file counts
      disk.writeWhole(name, bytes);
      total += bytes.length;
    }
  } catch {
    for (const name of Object.keys(image)) if (disk.exists(name)) disk.fs.unlink(disk.path(name));
    const needed = Object.values(image).reduce((sum, bytes) => sum + bytes.length, 0);
    throw new FluxError("ENOSPC", `${what}: the statedir's files (${needed} bytes) do not fit on the ${disk.quota}-byte statedir (${disk.free} bytes free)`);
  } finally {
    disk.events?.onSpaceChanged?.();
  }
  return total;
}

/** Every file of the statedir's top level as the quota filesystem holds it now. */
export function statedirFiles(disk: Disk): StatedirImage {
  return Object.fromEntries(disk.snapshot());
}

/**
 * What --save-statedir writes: the top level's files, a system instance's dumps (dump/<ts>.tgz) and dump/'s RESTORE
 * link by its target, so that real flux-core started on the directory with content.restore=auto restores as the
 * model's next start would.
 */
export interface SavedStatedir {
  files: StatedirImage;
  links: Record<string, string>;
}

export function savedStatedir(disk: Disk): SavedStatedir {
  const files = statedirFiles(disk);
  const links: Record<string, string> = {};
  for (const file of disk.files()) {
    if (!file.name.startsWith(`${DUMP_DIR}/`)) continue;
    if (file.link !== undefined) links[file.name] = file.link;
    else files[file.name] = disk.fs.readFile(file.path).slice();
  }
  return { files, links };
}
