/** Every element of `list` passes `check`, holes included: every() skips the holes of a sparse array, which read as undefined (the message checks: src/worker/script-protocol.ts, src/ui/reply-check.ts). */
export function each(list: readonly unknown[], check: (value: unknown) => boolean): boolean {
  for (let i = 0; i < list.length; i++) if (!check(list[i])) return false;
  return true;
}
