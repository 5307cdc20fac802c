/** Shell text for the exported test: quoting, and the payload bytes a step needs, written the way a flux-core test writes them. */

/** `text` as one single-quoted shell word. */
export function shq(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** A printf command that writes exactly `text` (no argument carries a newline, so the test's indentation cannot change it). */
export function printfOf(text: string): string {
  return `printf ${shq(text.replace(/\\/g, "\\\\").replace(/%/g, "%%").replace(/\n/g, "\\n"))}`;
}

/** The bytes as text a shell command line can carry (`key=text`), or undefined for binary data. */
export function asText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    const text = strictUtf8.decode(bytes);
    // control characters other than tab and newline would be mangled by a terminal or an editor of the test
    return /[\u0001-\u0008\u000b-\u001f\u007f]/.test(text) ? undefined : text;
  } catch {
    return undefined;
  }
}

/** Binary payloads up to this size are written out exactly (base64 in the test); larger ones are random bytes of the same size. */
export const EXACT_PAYLOAD_BYTES = 4096;

/**
 * The command that writes `bytes` into `file`: exact for text and small payloads, otherwise `head -c N /dev/urandom`
 * (the model's bytes(n) are pseudo-random too, so both are incompressible; only their blobrefs differ, and the
 * test compares blobrefs with each other, never with the model's).
 */
export function payloadCommand(bytes: Uint8Array, file: string): { command: string; exact: boolean } {
  const text = asText(bytes);
  if (text !== undefined && !text.includes("\n")) return { command: `printf %s ${shq(text)} >${file}`, exact: true };
  if (bytes.length <= EXACT_PAYLOAD_BYTES) {
    let binary = "";
    for (const b of bytes) binary += String.fromCharCode(b);
    const base64 = btoa(binary).replace(/.{1,76}/g, "$&\n");
    return { command: hereDocument(`base64 -d >${file}`, base64), exact: true };
  }
  return { command: `head -c ${bytes.length} /dev/urandom >${file}`, exact: false };
}

/** A size as flux-core's tmpfs directories name it: /test/tmpfs-1m, -512k. */
export function tmpfsName(bytes: number): string {
  if (bytes % (1024 * 1024) === 0) return `tmpfs-${bytes / (1024 * 1024)}m`;
  if (bytes % 1024 === 0) return `tmpfs-${bytes / 1024}k`;
  return `tmpfs-${bytes}`;
}

/** `command` reading `text` from a here-document, braced so that `&&` can follow it (after EOT it would end nothing). */
export function hereDocument(command: string, text: string): string {
  return `{ ${command} <<-\\EOT\n${text}EOT\n}`;
}
